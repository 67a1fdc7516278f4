//! How an ingest key is shown: its state at a moment (primary, live until a time, retired) and
//! its rate limit. Pure, so it is unit-tested.

export interface IngestKey {
  id: string;
  key: string;
  primary: boolean;
  created_at: string;
  retires_at: string | null;
  rate_limit_per_minute: number | null;
}

export type KeyState = { kind: 'primary' } | { kind: 'retiring'; at: string } | { kind: 'retired'; at: string } | { kind: 'live' };

/** Returns the key's state at `nowMs`. */
export function keyState(key: IngestKey, nowMs: number): KeyState {
  if (key.retires_at) {
    const at = Date.parse(key.retires_at);
    if (Number.isFinite(at) && at <= nowMs) return { kind: 'retired', at: key.retires_at };
    return { kind: 'retiring', at: key.retires_at };
  }
  return key.primary ? { kind: 'primary' } : { kind: 'live' };
}

/** Returns the keys in display order: primary first, then live ones by newest, retired last. */
export function sortKeys(keys: readonly IngestKey[], nowMs: number): IngestKey[] {
  const order = (key: IngestKey): number => ({ primary: 0, live: 1, retiring: 1, retired: 2 })[keyState(key, nowMs).kind];
  return [...keys].sort((a, b) => order(a) - order(b) || b.created_at.localeCompare(a.created_at));
}

/** Returns a rate limit as the page says it. */
export function rateLimitLabel(perMinute: number | null): string {
  return perMinute === null ? 'Server default' : `${perMinute.toLocaleString('en')} batches/min`;
}
