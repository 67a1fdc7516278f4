//! One request for several callers: the session page and the player both need the session
//! at mount, and each `GET /api/v1/sessions/{id}` is audited as a view — so one opening of the
//! player must send one request, not two.

/**
 * Wraps `load` so that calls with the same key while a request is in flight, or within
 * `holdMs` after it succeeded, share its promise. A failure is not kept: the next call retries.
 */
export function shareRecent<T>(
  load: (key: string) => Promise<T>,
  holdMs: number,
  now: () => number = Date.now,
): (key: string) => Promise<T> {
  const entries = new Map<string, { promise: Promise<T>; settledAt: number | null }>();
  return (key) => {
    const entry = entries.get(key);
    if (entry && (entry.settledAt === null || now() - entry.settledAt < holdMs)) return entry.promise;
    const promise = load(key);
    const fresh = { promise, settledAt: null as number | null };
    entries.set(key, fresh);
    promise.then(
      () => {
        fresh.settledAt = now();
      },
      () => {
        if (entries.get(key) === fresh) entries.delete(key);
      },
    );
    // Forget the others once they are old, so the map stays small on long sessions of use.
    for (const [other, value] of entries) {
      if (value.settledAt !== null && now() - value.settledAt >= holdMs) entries.delete(other);
    }
    return promise;
  };
}
