//! `useLoad`: runs a request when its inputs change and keeps its answer, error or loading state;
//! a signed-out answer (401) sends the visitor to the login page. An answer that arrives after
//! the inputs changed (or the page unmounted) is dropped.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { redirectToLogin } from './use-current-user.ts';

export type LoadState<T> = { phase: 'loading' } | { phase: 'ready'; value: T } | { phase: 'error'; error: ApiError };

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err));
}

/** Loads `load()` whenever `inputs` change (not at all while `enabled` is false); `reload` asks again. */
export function useLoad<T>(load: () => Promise<T>, inputs: unknown[], enabled = true): { state: LoadState<T>; reload(): void; set(value: T): void } {
  const [state, setState] = useState<LoadState<T>>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // New inputs show the spinner; a reload of the same inputs keeps the old answer on screen.
    const key = JSON.stringify(inputs);
    if (shown.current !== key) setState({ phase: 'loading' });
    shown.current = key;
    load().then(
      (value) => live && setState({ phase: 'ready', value }),
      (err: unknown) => {
        if (!live) return;
        const error = asApiError(err);
        if (error.status === 401) redirectToLogin();
        else setState({ phase: 'error', error });
      },
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render; `inputs` say when it means something new.
  }, [...inputs, attempt, enabled]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((value: T) => setState({ phase: 'ready', value }), []);
  return { state, reload, set };
}
