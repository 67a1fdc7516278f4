/**
 * Bindings to the browser for the pure parts: the transport's network, timers and compression,
 * sessionStorage behind a memory fallback, selector validation, and logging. The only module
 * besides recorder.ts and iife.ts that reads DOM globals.
 */

import { gzipCompressor } from './compression';
import type { RemoteConfigEnvironment } from './remote-config';
import { resilientStorage, type KeyValueStorage } from './session';
import type { TransportEnvironment } from './transport';

/** Logs an SDK problem without ever throwing. */
export function warn(message: string, error?: unknown): void {
  try {
    if (typeof console === 'undefined') return;
    if (error === undefined) console.warn(message);
    else console.warn(message, error);
  } catch {
    // Logging must not fail the host page either.
  }
}

/** The remote config loader's environment: localStorage (or memory), fetch, clock, timers. */
export function browserRemoteConfigEnvironment(): RemoteConfigEnvironment {
  return {
    storage: resilientStorage(() => (typeof localStorage === 'undefined' ? null : localStorage)),
    fetch: (url, init) => fetch(url, init),
    now: () => Date.now(),
    setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** sessionStorage, or memory where it is missing or throws. */
export function browserSessionStorage(): KeyValueStorage {
  return resilientStorage(() => (typeof sessionStorage === 'undefined' ? null : sessionStorage));
}

function supportsKeepalive(): boolean {
  try {
    return typeof Request === 'function' && 'keepalive' in Request.prototype;
  } catch {
    return false;
  }
}

/** The transport environment of this page. */
export function browserTransportEnvironment(): TransportEnvironment {
  const beacon =
    typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function'
      ? (url: string, body: BodyInit) => navigator.sendBeacon(url, body)
      : null;
  return {
    fetch: (url, init) => fetch(url, init),
    keepaliveSupported: supportsKeepalive(),
    sendBeacon: beacon,
    compress: gzipCompressor(),
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    warn: (message) => warn(message),
  };
}

/** Returns true when `selector` is valid CSS (rrweb would throw on every node otherwise). */
export function isValidSelector(selector: string): boolean {
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}
