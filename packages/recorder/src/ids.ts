/**
 * Session and window identifiers: a UUIDv7-shaped, time-ordered session id and a random
 * per-tab window id. Randomness is injected so the ids are testable.
 */

/** Fills `bytes` with random values (in the browser, `crypto.getRandomValues`). */
export type FillRandom = (bytes: Uint8Array) => void;

/** The `crypto.getRandomValues` of this environment, or `Math.random` where it is missing. */
export function defaultFillRandom(bytes: Uint8Array): void {
  const cryptoApi = typeof crypto === 'object' ? crypto : undefined;
  if (cryptoApi !== undefined && typeof cryptoApi.getRandomValues === 'function') {
    cryptoApi.getRandomValues(bytes);
    return;
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
}

/** Matches the ids `newSessionId` makes. */
export const SESSION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Returns a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, 74 random bits, variant
 * `10`. Ids made later sort after ids made earlier (at millisecond resolution).
 */
export function newSessionId(nowMs: number, fillRandom: FillRandom): string {
  const bytes = new Uint8Array(16);
  fillRandom(bytes);
  let time = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Returns `w-` and 16 random hex digits. */
export function newWindowId(fillRandom: FillRandom): string {
  const bytes = new Uint8Array(8);
  fillRandom(bytes);
  return `w-${toHex(bytes)}`;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i] + 0x100).toString(16).slice(1);
  return hex;
}
