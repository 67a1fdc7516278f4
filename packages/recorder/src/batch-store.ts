/**
 * Where sealed batches wait until the server acknowledges them: the `BatchStore` interface, an
 * in-memory implementation (tests, and the shape of the IndexedDB one), and a resilient wrapper
 * that turns a failing or hanging store into a silent no-op, so the transport's in-memory queue
 * carries on alone (private modes, quota errors). Pure: no DOM.
 *
 * A store may be shared by several pages of an origin (tabs, reloads). Each stored batch names
 * the page that holds it and until when (`owner`, `leaseUntil`); `claim` moves that lease
 * atomically, so two pages do not send the same leftover at once. Sending twice stays harmless:
 * the server stores a (session, window, seq) once.
 */

/** One batch as stored. `key` sorts in the order batches were sealed. */
export interface StoredBatch {
  key: string;
  seq: number;
  /** The JSON ingest body (it carries its own session_id, window_id and seq). */
  body: string;
  /** The page that may send it until `leaseUntil` (ms since the epoch). */
  owner: string;
  leaseUntil: number;
}

/** Result of `claim`: taken (or already ours), held by another page, or no longer stored. */
export type ClaimResult = 'claimed' | 'held' | 'missing';

export interface BatchStore {
  put(batch: StoredBatch): Promise<void>;
  /** Returns every stored batch, ordered by key. */
  list(): Promise<StoredBatch[]>;
  delete(key: string): Promise<void>;
  /**
   * Atomically gives the batch to `owner` until `leaseUntil` unless another owner's lease runs
   * past `nowMs`.
   */
  claim(key: string, owner: string, nowMs: number, leaseUntil: number): Promise<ClaimResult>;
}

/** Applies the lease rule of `BatchStore.claim` to a stored record; returns the new record or why not. */
export function claimRecord(
  record: StoredBatch | undefined,
  owner: string,
  nowMs: number,
  leaseUntil: number,
): StoredBatch | Exclude<ClaimResult, 'claimed'> {
  if (record === undefined) return 'missing';
  if (record.owner !== owner && record.leaseUntil > nowMs) return 'held';
  return { ...record, owner, leaseUntil };
}

/** A `BatchStore` in memory; several transports may share one to act as tabs of one origin. */
export class MemoryBatchStore implements BatchStore {
  private readonly records = new Map<string, StoredBatch>();

  async put(batch: StoredBatch): Promise<void> {
    this.records.set(batch.key, { ...batch });
  }

  async list(): Promise<StoredBatch[]> {
    return [...this.records.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => ({ ...r }));
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  async claim(key: string, owner: string, nowMs: number, leaseUntil: number): Promise<ClaimResult> {
    const result = claimRecord(this.records.get(key), owner, nowMs, leaseUntil);
    if (typeof result === 'string') return result;
    this.records.set(key, result);
    return 'claimed';
  }

  /** Number of stored batches (for tests). */
  get size(): number {
    return this.records.size;
  }
}

/** Timers the resilient wrapper needs. */
export interface StoreTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Wraps the store `open` returns so that no operation rejects or hangs: once one fails or takes
 * longer than `timeoutMs` (or `open` throws or gives `null`), every later operation does nothing
 * (`put`, `delete`), finds nothing (`list`) or lets the caller send (`claim` → `'claimed'`).
 */
export function resilientBatchStore(
  open: () => BatchStore | null,
  timers: StoreTimers,
  timeoutMs: number,
): BatchStore {
  let inner: BatchStore | null | undefined;
  const store = (): BatchStore | null => {
    if (inner === undefined) {
      try {
        inner = open();
      } catch {
        inner = null;
      }
    }
    return inner;
  };
  const guarded = <T>(operation: (s: BatchStore) => Promise<T>, fallback: T): Promise<T> => {
    const current = store();
    if (current === null) return Promise.resolve(fallback);
    return new Promise<T>((resolve) => {
      let done = false;
      const finish = (value: T, failed: boolean) => {
        if (done) return;
        done = true;
        timers.clearTimeout(timer);
        if (failed) inner = null;
        resolve(value);
      };
      const timer = timers.setTimeout(() => finish(fallback, true), timeoutMs);
      try {
        operation(current).then(
          (value) => finish(value, false),
          () => finish(fallback, true),
        );
      } catch {
        finish(fallback, true);
      }
    });
  };
  return {
    put: (batch) => guarded((s) => s.put(batch), undefined),
    list: () => guarded((s) => s.list(), []),
    delete: (key) => guarded((s) => s.delete(key), undefined),
    claim: (key, owner, nowMs, leaseUntil) => guarded((s) => s.claim(key, owner, nowMs, leaseUntil), 'claimed'),
  };
}
