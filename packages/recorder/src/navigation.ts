/**
 * SPA navigation detection: wraps `history.pushState`/`replaceState` and listens to `popstate`
 * and `hashchange`, calling back with the new URL synchronously, in the same task as the
 * navigation (before the app renders the new route), whenever the URL changes. `stop()` restores
 * the original methods, or, when another script wrapped them after us, leaves its wrapper in
 * place and makes ours a pass-through. The window is injected so tests can use a fake.
 */

type HistoryMethod = (data: unknown, unused: string, url?: string | URL | null) => void;

/** The parts of `window` the watcher uses. */
export interface NavigationWindow {
  history: { pushState: HistoryMethod; replaceState: HistoryMethod };
  location: { href: string };
  addEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
  removeEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
}

/** Starts watching; returns the function that stops it. `onUrlChange` must not throw. */
export function watchNavigation(win: NavigationWindow, onUrlChange: (url: string) => void): () => void {
  const history = win.history;
  let lastUrl = win.location.href;
  let active = true;

  const check = (): void => {
    if (!active) return;
    const url = win.location.href;
    if (url === lastUrl) return;
    lastUrl = url;
    onUrlChange(url);
  };

  const wrap = (original: HistoryMethod): HistoryMethod =>
    function wrapped(this: unknown, data: unknown, unused: string, url?: string | URL | null): void {
      // The page's own call must behave exactly as before: its result and exceptions pass through.
      original.call(this, data, unused, url);
      check();
    };

  const originalPush = history.pushState;
  const originalReplace = history.replaceState;
  const wrappedPush = wrap(originalPush);
  const wrappedReplace = wrap(originalReplace);
  history.pushState = wrappedPush;
  history.replaceState = wrappedReplace;
  win.addEventListener('popstate', check);
  win.addEventListener('hashchange', check);

  return () => {
    if (!active) return;
    active = false;
    if (history.pushState === wrappedPush) history.pushState = originalPush;
    if (history.replaceState === wrappedReplace) history.replaceState = originalReplace;
    win.removeEventListener('popstate', check);
    win.removeEventListener('hashchange', check);
  };
}
