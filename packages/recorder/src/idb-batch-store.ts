/**
 * The IndexedDB `BatchStore` of the page: one object store of batches keyed by `key`, shared by
 * every page of the origin. Kept thin (each method is one transaction); the queue logic lives in
 * transport.ts and is tested through `MemoryBatchStore`. `browserBatchStore` wraps it so that a
 * missing, blocked or failing IndexedDB leaves the recorder on its in-memory queue, silently.
 */

import { claimRecord, resilientBatchStore, type BatchStore, type ClaimResult, type StoredBatch } from './batch-store';
import { BATCH_STORE_TIMEOUT_MS } from './config';

/** Name and version of the recorder's database, and its one object store. */
export const BATCH_DB_NAME = 'tapedeck';
export const BATCH_DB_VERSION = 1;
export const BATCH_OBJECT_STORE = 'batches';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(BATCH_DB_NAME, BATCH_DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(BATCH_OBJECT_STORE)) {
        req.result.createObjectStore(BATCH_OBJECT_STORE, { keyPath: 'key' });
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      // Let a later version of the SDK upgrade the schema from another tab.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB open blocked'));
  });
}

/** A `BatchStore` over IndexedDB; every method rejects when the database fails. */
export class IndexedDbBatchStore implements BatchStore {
  private readonly db: Promise<IDBDatabase>;

  constructor(factory: IDBFactory) {
    this.db = openDatabase(factory);
    // Failures surface through each operation.
    this.db.catch(() => undefined);
  }

  private async transaction(mode: IDBTransactionMode): Promise<{ tx: IDBTransaction; store: IDBObjectStore }> {
    const tx = (await this.db).transaction(BATCH_OBJECT_STORE, mode);
    return { tx, store: tx.objectStore(BATCH_OBJECT_STORE) };
  }

  async put(batch: StoredBatch): Promise<void> {
    const { tx, store } = await this.transaction('readwrite');
    store.put(batch);
    await completion(tx);
  }

  async list(): Promise<StoredBatch[]> {
    const { store } = await this.transaction('readonly');
    const records = (await request(store.getAll())) as unknown[];
    return records.filter(isStoredBatch);
  }

  async delete(key: string): Promise<void> {
    const { tx, store } = await this.transaction('readwrite');
    store.delete(key);
    await completion(tx);
  }

  async claim(key: string, owner: string, nowMs: number, leaseUntil: number): Promise<ClaimResult> {
    // One readwrite transaction: IndexedDB runs overlapping ones of all tabs one after another.
    const { tx, store } = await this.transaction('readwrite');
    const done = completion(tx);
    const found = (await request(store.get(key))) as unknown;
    const result = claimRecord(isStoredBatch(found) ? found : undefined, owner, nowMs, leaseUntil);
    if (typeof result !== 'string') store.put(result);
    await done;
    return typeof result === 'string' ? result : 'claimed';
  }
}

/** Tells a batch record from anything else (only this SDK writes the store; this guards versions). */
function isStoredBatch(value: unknown): value is StoredBatch {
  return typeof (value as StoredBatch | null)?.body === 'string';
}

/** The page's persistent batch store, falling back to none (memory only) wherever it fails. */
export function browserBatchStore(): BatchStore {
  return resilientBatchStore(
    () => (typeof indexedDB === 'undefined' || indexedDB === null ? null : new IndexedDbBatchStore(indexedDB)),
    {
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    BATCH_STORE_TIMEOUT_MS,
  );
}
