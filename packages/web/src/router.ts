//! A tiny router over `location` and the History API: `navigate` changes the URL and
//! `useLocation` re-renders on every change (links, back/forward).

import { useEffect, useState } from 'preact/hooks';

const NAVIGATE_EVENT = 'tapedeck:navigate';

export interface LocationState {
  pathname: string;
  search: URLSearchParams;
  /** pathname + search, as used for `?next=`. */
  href: string;
}

function readLocation(): LocationState {
  return {
    pathname: location.pathname,
    search: new URLSearchParams(location.search),
    href: `${location.pathname}${location.search}`,
  };
}

/** Goes to `to` (a same-site path) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === `${location.pathname}${location.search}`) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Returns the current location and re-renders the caller when it changes. */
export function useLocation(): LocationState {
  const [state, setState] = useState(readLocation);
  useEffect(() => {
    const update = (): void => setState(readLocation());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return state;
}

/** Returns true for a plain left click that the router may handle itself. */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}
