import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchNavigation, type NavigationWindow } from '../src/navigation';

/** A window whose history changes `location.href` like the browser's. */
function fakeWindow(start: string) {
  const listeners = new Map<string, Set<() => void>>();
  const location = { href: start };
  const navigate = (_data: unknown, _unused: string, url?: string | URL | null): void => {
    if (url != null) location.href = new URL(String(url), location.href).href;
  };
  const history = { pushState: navigate, replaceState: navigate };
  const win: NavigationWindow = {
    history,
    location,
    addEventListener: (type, listener) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(listener);
    },
    removeEventListener: (type, listener) => listeners.get(type)?.delete(listener),
  };
  const fire = (type: string) => listeners.get(type)?.forEach((listener) => listener());
  return { win, history, location, originals: { push: navigate, replace: navigate }, fire, listeners };
}

test('pushState, replaceState, popstate and hashchange report URL changes synchronously', () => {
  const { win, location, fire } = fakeWindow('https://a.test/');
  const seen: string[] = [];
  const stop = watchNavigation(win, (url) => seen.push(url));
  win.history.pushState({}, '', '/cart');
  assert.deepEqual(seen, ['https://a.test/cart'], 'reported before pushState returns');
  win.history.replaceState({}, '', '/cart');
  assert.equal(seen.length, 1, 'the same URL is not reported again');
  win.history.replaceState({}, '', '/cart?step=2');
  location.href = 'https://a.test/';
  fire('popstate');
  location.href = 'https://a.test/#faq';
  fire('hashchange');
  assert.deepEqual(seen, ['https://a.test/cart', 'https://a.test/cart?step=2', 'https://a.test/', 'https://a.test/#faq']);
  stop();
});

test('stop restores the original methods and removes the listeners', () => {
  const { win, originals, listeners } = fakeWindow('https://a.test/');
  const seen: string[] = [];
  const stop = watchNavigation(win, (url) => seen.push(url));
  assert.notEqual(win.history.pushState, originals.push);
  stop();
  assert.equal(win.history.pushState, originals.push);
  assert.equal(win.history.replaceState, originals.replace);
  assert.equal(listeners.get('popstate')?.size, 0);
  win.history.pushState({}, '', '/x');
  assert.deepEqual(seen, []);
});

test('a wrapper installed after ours stays, and ours turns into a pass-through', () => {
  const { win, location } = fakeWindow('https://a.test/');
  const seen: string[] = [];
  const stop = watchNavigation(win, (url) => seen.push(url));
  const ours = win.history.pushState;
  let theirs = 0;
  const theirWrapper = (data: unknown, unused: string, url?: string | URL | null) => {
    theirs += 1;
    ours(data, unused, url);
  };
  win.history.pushState = theirWrapper;
  stop();
  assert.equal(win.history.pushState, theirWrapper);
  win.history.pushState({}, '', '/y');
  assert.equal(theirs, 1);
  assert.equal(location.href, 'https://a.test/y', 'the navigation still happens');
  assert.deepEqual(seen, [], 'but is no longer reported');
});

test('an exception of the page’s pushState passes through unchanged', () => {
  const { win } = fakeWindow('https://a.test/');
  win.history.pushState = () => {
    throw new Error('SecurityError');
  };
  const stop = watchNavigation(win, () => undefined);
  assert.throws(() => win.history.pushState({}, '', 'https://other.test/'), /SecurityError/);
  stop();
});
