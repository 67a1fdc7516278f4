//! `useCurrentUser`: loads `/api/v1/me` for pages that need a login, and sends
//! signed-out visitors to `/login?next=<here>`.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getMe, type Me } from './api.ts';
import { navigate } from './router.ts';

export interface CurrentUser {
  me: Me | null;
  error: ApiError | null;
  retry(): void;
}

/** Redirects to the login page, coming back to the current address afterwards. */
export function redirectToLogin(): void {
  const here = `${location.pathname}${location.search}`;
  navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
}

export function useCurrentUser(): CurrentUser {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    getMe().then(
      (value) => live && setMe(value),
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) redirectToLogin();
        else setError(err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err)));
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { me, error, retry };
}
