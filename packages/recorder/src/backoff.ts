/**
 * Retry timing: exponential backoff with jitter, and parsing of a server's `Retry-After`.
 * Pure: randomness and the current time are passed in.
 */

import { RETRY_AFTER_MAX_MS, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from './config';

/** Share of a delay that jitter may take away, so clients that failed together spread out. */
export const RETRY_JITTER_RATIO = 0.25;

/**
 * Returns how long to wait before the next attempt after `failures` consecutive failures
 * (1 for the first): 1 s, 2 s, 4 s … capped at 30 s, each reduced by up to 25 % at random.
 * When the server sent `Retry-After`, waits that long (up to 10 min) plus up to 1 s of jitter.
 * `random` returns a number in [0, 1).
 */
export function retryDelayMs(failures: number, retryAfterMs: number | null, random: () => number): number {
  if (retryAfterMs !== null) {
    return Math.min(Math.max(0, retryAfterMs), RETRY_AFTER_MAX_MS) + Math.floor(random() * RETRY_BASE_DELAY_MS);
  }
  const exponent = Math.min(Math.max(0, failures - 1), 30);
  const nominal = Math.min(RETRY_BASE_DELAY_MS * 2 ** exponent, RETRY_MAX_DELAY_MS);
  return Math.round(nominal * (1 - RETRY_JITTER_RATIO * random()));
}

/**
 * Returns the wait a `Retry-After` header value asks for in milliseconds (delta-seconds or an
 * HTTP date), or `null` when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  // An HTTP date names its weekday and month; anything else (a negative number) is unreadable.
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
