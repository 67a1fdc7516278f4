//! `useAutoRefresh`: calls a list's `refresh` every 10 s while the page is visible and nothing
//! stands in the way (rows selected for bulk tagging; a list request in flight is `refresh`'s own
//! check), and every 60 s after a failure. Tests shorten the 10 s with
//! `localStorage['tapedeck.listRefreshMs']` (milliseconds; the back-off is then six times it).

import { useEffect, useRef } from 'preact/hooks';
import { mayRefresh, nextDelay } from './list/refresh.ts';

/** The test-only override of the refresh interval, if set. */
function overrideMs(): number | null {
  try {
    const raw = localStorage.getItem('tapedeck.listRefreshMs');
    return raw ? Number(raw) : null;
  } catch {
    return null; // storage disabled: the default interval
  }
}

export function useAutoRefresh(refresh: () => Promise<boolean>, selected: number, enabled: boolean): void {
  // Read at each tick, so a new query or selection does not restart the clock.
  const latest = useRef({ refresh, selected });
  latest.current = { refresh, selected };
  useEffect(() => {
    if (!enabled) return;
    const override = overrideMs();
    let timer = 0;
    let stopped = false;
    const schedule = (failed: boolean): void => {
      if (!stopped) timer = window.setTimeout(tick, nextDelay(failed, override));
    };
    const tick = (): void => {
      const { refresh, selected } = latest.current;
      if (!mayRefresh({ busy: false, selected, visible: document.visibilityState === 'visible' })) return schedule(false);
      refresh().then(
        () => schedule(false),
        () => schedule(true),
      );
    };
    schedule(false);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [enabled]);
}
