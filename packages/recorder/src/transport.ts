/**
 * Delivery of sealed batches to `POST /api/v1/ingest`: a bounded queue sent in order, persisted
 * in a `BatchStore` (IndexedDB in the page) before it is sent and deleted only once the server
 * acknowledged it (2xx) or refused it for good (4xx other than 408 and 429); gzip when available,
 * retries with backoff on network errors, 408, 429 and 5xx (and while offline); and a last
 * synchronous send with `fetch(keepalive)` or `sendBeacon` when the page is hidden or unloads.
 * Batches a previous page left in the store (a reload, a crash, another tab) are claimed with a
 * lease and sent first. Network, timers, randomness, compression and storage are injected.
 *
 * The server stores a (session, window, seq) once and answers a repeat as success, so sending a
 * batch twice is always safe; the unload path and leftovers rely on that.
 */

import { parseRetryAfterMs, retryDelayMs } from './backoff';
import type { BatchStore, StoredBatch } from './batch-store';
import type { Compressor } from './compression';
import { BATCH_LEASE_MS, MAX_QUEUE_BATCHES, MAX_QUEUE_BYTES, MIN_COMPRESS_BYTES, UNLOAD_BUDGET_BYTES } from './config';

/** A batch ready to send: its seq and its JSON body. */
export interface OutgoingBatch {
  seq: number;
  body: string;
}

/** The part of a fetch `Response` the transport reads. */
export interface IngestResponse {
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** What the transport needs from its environment; `browserTransportEnvironment` in the page. */
export interface TransportEnvironment {
  fetch(url: string, init: RequestInit): Promise<IngestResponse>;
  /** Whether `fetch` honours `keepalive: true`. */
  keepaliveSupported: boolean;
  /** `navigator.sendBeacon`, where present. */
  sendBeacon: ((url: string, body: BodyInit) => boolean) | null;
  compress: Compressor | null;
  now(): number;
  random(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  warn(message: string): void;
  /** `navigator.onLine`; while false, sends wait for backoff or `flush` instead of failing. */
  isOnline?(): boolean;
}

export interface TransportConfig {
  endpoint: string;
  projectKey: string;
  maxQueueBatches?: number;
  maxQueueBytes?: number;
  unloadBudgetBytes?: number;
  /** Called when the server refuses a batch for good (a 4xx other than 429). */
  onRejected?: (status: number, code: string | null) => void;
  /** Where batches wait until acknowledged; none (memory only) when absent. */
  store?: BatchStore;
  /** Names this page's batches in a shared store; the same id after a reload (the window id). */
  ownerId?: string;
  leaseMs?: number;
}

type Outcome =
  | { kind: 'stored' }
  | { kind: 'rejected'; status: number; code: string | null }
  | { kind: 'retry'; retryAfterMs: number | null };

interface QueueItem {
  batch: OutgoingBatch;
  /** The batch's key in the store. */
  key: string;
  /** Settles once the store has the batch (or gave up on it), then `null`; sending waits for it. */
  persisted: Promise<void> | null;
  /** Until when this page holds the batch's lease in the store. */
  leaseUntil: number;
  gzipped: Uint8Array<ArrayBuffer> | null;
  /** Requests for this item not yet answered. */
  inFlight: number;
  /** A keepalive request or beacon for this item has been started. */
  sentForUnload: boolean;
}

/** Sends batches; never throws or rejects into its caller. */
export class Transport {
  private readonly queue: QueueItem[] = [];
  private queueBytes = 0;
  private consecutiveFailures = 0;
  private retryTimer: unknown = null;
  private rescanTimer: unknown = null;
  private running: Promise<void> | null = null;
  private recovering: Promise<void> | null = null;
  private warnedDrop = false;
  private warnedReject = false;
  private keyCounter = 0;
  /** Bytes of keepalive requests not yet answered; browsers cap their sum per page. */
  private keepaliveBytesInFlight = 0;
  private readonly ingestUrl: string;
  private readonly beaconUrl: string;
  private readonly ownerId: string;
  private readonly leaseMs: number;
  /** Batches dropped because the queue was full. */
  droppedBatches = 0;
  /** Drops not yet reported in a batch's `meta.dropped_batches`. */
  private unreportedDrops = 0;
  /** Batches the server refused (4xx other than 429). */
  rejectedBatches = 0;

  constructor(
    private readonly config: TransportConfig,
    private readonly env: TransportEnvironment,
  ) {
    this.ingestUrl = `${config.endpoint}/api/v1/ingest`;
    this.beaconUrl = `${this.ingestUrl}?project=${encodeURIComponent(config.projectKey)}`;
    this.ownerId = config.ownerId ?? `p-${Math.floor(env.random() * 2 ** 48).toString(36)}`;
    this.leaseMs = config.leaseMs ?? BATCH_LEASE_MS;
  }

  /** Number of batches waiting or being sent. */
  get pending(): number {
    return this.queue.length;
  }

  /** Returns the drops since the last call, for the next batch's `meta.dropped_batches`. */
  takeDroppedBatches(): number {
    const drops = this.unreportedDrops;
    this.unreportedDrops = 0;
    return drops;
  }

  /**
   * Stores a batch and queues it and, unless `startSending` is false (the caller sends for
   * unload next), starts sending. Drops the oldest batches beyond the queue bounds.
   */
  enqueue(batch: OutgoingBatch, startSending = true): void {
    const now = this.env.now();
    const key = `${now.toString(36).padStart(9, '0')}-${this.ownerId}-${(this.keyCounter++).toString(36).padStart(4, '0')}`;
    const leaseUntil = now + this.leaseMs;
    const record: StoredBatch = { key, seq: batch.seq, body: batch.body, owner: this.ownerId, leaseUntil };
    const item: QueueItem = { batch, key, persisted: null, leaseUntil, gzipped: null, inFlight: 0, sentForUnload: false };
    if (this.config.store !== undefined) {
      const persisted = this.storeCall(() => this.config.store?.put(record), undefined).then(() => {
        item.persisted = null;
      });
      item.persisted = persisted;
    }
    this.add(item);
    if (startSending) this.kick();
  }

  /**
   * Claims the batches other pages left in the store (their lease expired, or they were this
   * page's before a reload) and sends them before the newer ones. Resolves when they are queued.
   */
  recoverLeftovers(): Promise<void> {
    if (this.config.store === undefined) return Promise.resolve();
    if (this.recovering === null) {
      this.recovering = this.recover()
        .catch((error: unknown) => this.env.warn(`[tapedeck] could not read stored batches: ${String(error)}`))
        .then(() => {
          this.recovering = null;
        });
    }
    return this.recovering;
  }

  /**
   * Sends everything queued now, ignoring a pending backoff once, and resolves when the queue
   * is empty or a send failed (a retry is then scheduled).
   */
  async flush(): Promise<void> {
    this.cancelRetry();
    if (this.recovering !== null) await this.recovering;
    if (this.running !== null) await this.running;
    this.cancelRetry();
    if (this.queue.length > 0) await this.runDrain();
  }

  /**
   * Starts, synchronously, the sends that can outlive the page: queued batches up to the unload
   * budget, with `fetch(keepalive)` where supported, else `sendBeacon`. They go as CORS-simple
   * requests (key in `?project=`, no custom headers) so no preflight has to survive the unload.
   * Every batch stays in the store until acknowledged, so what the browser drops is resent by
   * the next page.
   */
  sendForUnload(): void {
    let budget = (this.config.unloadBudgetBytes ?? UNLOAD_BUDGET_BYTES) - this.keepaliveBytesInFlight;
    for (const item of this.queue.slice()) {
      if (item.sentForUnload) continue;
      const size = item.gzipped !== null ? item.gzipped.length : utf8Length(item.batch.body, budget);
      if (size > budget) continue;
      if (this.env.keepaliveSupported) {
        budget -= size;
        item.sentForUnload = true;
        this.keepaliveBytesInFlight += size;
        void this.attempt(item, true).then((outcome) => {
          item.sentForUnload = false;
          this.keepaliveBytesInFlight -= size;
          this.settleAndContinue(item, outcome);
        });
      } else if (this.env.sendBeacon !== null) {
        const payload = item.gzipped ?? item.batch.body;
        if (!this.env.sendBeacon(this.beaconUrl, payload)) break;
        budget -= size;
        item.sentForUnload = true;
        // The browser now owns delivery of this body; the store keeps it for the next page.
        this.remove(item);
      } else {
        break;
      }
    }
    this.kick();
  }

  /** Drops every queued batch, stored ones too (consent withdrawn). */
  discard(): void {
    this.cancelRetry();
    for (const item of this.queue.slice()) this.forget(item);
  }

  private add(item: QueueItem): void {
    this.queue.push(item);
    this.queueBytes += item.batch.body.length;
    const maxBatches = this.config.maxQueueBatches ?? MAX_QUEUE_BATCHES;
    const maxBytes = this.config.maxQueueBytes ?? MAX_QUEUE_BYTES;
    while (this.queue.length > 1 && (this.queue.length > maxBatches || this.queueBytes > maxBytes)) {
      this.forget(this.queue[0]);
      this.countDrop();
    }
  }

  private countDrop(): void {
    this.droppedBatches += 1;
    this.unreportedDrops += 1;
    if (!this.warnedDrop) {
      this.warnedDrop = true;
      this.env.warn('[tapedeck] the send queue is full; dropping the oldest batches');
    }
  }

  private async recover(): Promise<void> {
    const store = this.config.store;
    if (store === undefined) return;
    const records = await store.list();
    const now = this.env.now();
    const known = new Set(this.queue.map((item) => item.key));
    let nextExpiry = Infinity;
    const adopted: QueueItem[] = [];
    for (const record of records) {
      if (known.has(record.key)) continue;
      if (record.owner !== this.ownerId && record.leaseUntil > now) {
        nextExpiry = Math.min(nextExpiry, record.leaseUntil);
        continue;
      }
      const leaseUntil = now + this.leaseMs;
      const claim = await this.storeCall(() => store.claim(record.key, this.ownerId, now, leaseUntil), 'missing');
      if (claim !== 'claimed') continue;
      const batch = { seq: record.seq, body: record.body };
      adopted.push({ batch, key: record.key, persisted: null, leaseUntil, gzipped: null, inFlight: 0, sentForUnload: false });
    }
    if (adopted.length > 0) {
      // Leftovers are older than anything this page sealed: they go first, and drop first.
      const own = this.queue.splice(0);
      this.queueBytes = 0;
      for (const item of [...adopted, ...own]) this.add(item);
    }
    if (nextExpiry !== Infinity) this.scheduleRescan(nextExpiry - now);
    this.kick();
  }

  private scheduleRescan(delayMs: number): void {
    if (this.rescanTimer !== null) return;
    this.rescanTimer = this.env.setTimeout(() => {
      this.rescanTimer = null;
      void this.recoverLeftovers();
    }, delayMs + 1);
  }

  private kick(): void {
    if (this.running === null && this.retryTimer === null && this.queue.length > 0) void this.runDrain();
  }

  private runDrain(): Promise<void> {
    const run: Promise<void> = this.drain()
      .catch((error: unknown) => this.env.warn(`[tapedeck] sending failed: ${String(error)}`))
      .then(() => {
        if (this.running === run) this.running = null;
      });
    this.running = run;
    return run;
  }

  /** Sends queued batches one at a time until the queue is empty or a send must be retried. */
  private async drain(): Promise<void> {
    for (;;) {
      const item = this.queue.find((candidate) => candidate.inFlight === 0);
      if (item === undefined) return;
      if (this.env.isOnline?.() === false) {
        this.consecutiveFailures += 1;
        this.scheduleRetry(retryDelayMs(this.consecutiveFailures, null, this.env.random));
        return;
      }
      if (item.persisted !== null || this.leaseRunsLow(item)) {
        // Hold the item while the store catches up, so no other send picks it meanwhile.
        item.inFlight += 1;
        let mine: boolean;
        try {
          await item.persisted;
          mine = await this.holdLease(item);
        } finally {
          item.inFlight -= 1;
        }
        if (this.queue.indexOf(item) < 0) continue;
        if (!mine) {
          // Another page took it over while this one was away long; it sends it.
          this.remove(item);
          continue;
        }
      }
      const outcome = await this.attempt(item, false);
      if (!this.settle(item, outcome)) return;
    }
  }

  private leaseRunsLow(item: QueueItem): boolean {
    return this.config.store !== undefined && item.leaseUntil - this.env.now() <= this.leaseMs / 2;
  }

  /** Renews this page's lease on a batch when it runs low; false when another page holds it. */
  private async holdLease(item: QueueItem): Promise<boolean> {
    const store = this.config.store;
    if (store === undefined || !this.leaseRunsLow(item)) return true;
    const now = this.env.now();
    const leaseUntil = now + this.leaseMs;
    const claim = await this.storeCall(() => store.claim(item.key, this.ownerId, now, leaseUntil), 'claimed');
    if (claim === 'held') return false;
    item.leaseUntil = leaseUntil;
    return true;
  }

  private async attempt(item: QueueItem, keepalive: boolean): Promise<Outcome> {
    item.inFlight += 1;
    try {
      const response = await this.post(item, keepalive);
      if (response.status >= 200 && response.status < 300) return { kind: 'stored' };
      if (response.status === 429 || response.status >= 500 || response.status === 408) {
        const retryAfterMs = parseRetryAfterMs(response.headers.get('Retry-After'), this.env.now());
        return { kind: 'retry', retryAfterMs };
      }
      return { kind: 'rejected', status: response.status, code: await errorCode(response) };
    } catch {
      return { kind: 'retry', retryAfterMs: null };
    } finally {
      item.inFlight -= 1;
    }
  }

  /** Issues the request; a keepalive request starts before this returns (no await before it). */
  private async post(item: QueueItem, keepalive: boolean): Promise<IngestResponse> {
    if (keepalive) {
      return this.env.fetch(this.beaconUrl, {
        method: 'POST',
        body: item.gzipped ?? item.batch.body,
        keepalive: true,
        credentials: 'omit',
        mode: 'cors',
      });
    }
    if (item.gzipped === null && this.env.compress !== null && item.batch.body.length >= MIN_COMPRESS_BYTES) {
      try {
        item.gzipped = await this.env.compress(item.batch.body);
      } catch {
        // Send it plain.
      }
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Tapedeck-Project': this.config.projectKey,
    };
    if (item.gzipped !== null) headers['Content-Encoding'] = 'gzip';
    return this.env.fetch(this.ingestUrl, {
      method: 'POST',
      body: item.gzipped ?? item.batch.body,
      headers,
      credentials: 'omit',
      mode: 'cors',
    });
  }

  /** Applies an outcome; returns false when sending should pause for a retry. */
  private settle(item: QueueItem, outcome: Outcome): boolean {
    switch (outcome.kind) {
      case 'stored':
        this.consecutiveFailures = 0;
        this.forget(item);
        return true;
      case 'rejected':
        this.forget(item);
        this.rejectedBatches += 1;
        if (!this.warnedReject) {
          this.warnedReject = true;
          const code = outcome.code === null ? '' : ` (${outcome.code})`;
          this.env.warn(`[tapedeck] the server refused a batch with HTTP ${outcome.status}${code}; dropping it`);
        }
        this.config.onRejected?.(outcome.status, outcome.code);
        return true;
      case 'retry':
        if (this.queue.indexOf(item) < 0) return true;
        this.consecutiveFailures += 1;
        this.scheduleRetry(retryDelayMs(this.consecutiveFailures, outcome.retryAfterMs, this.env.random));
        return false;
    }
  }

  private settleAndContinue(item: QueueItem, outcome: Outcome): void {
    if (this.settle(item, outcome)) this.kick();
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, delayMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer === null) return;
    this.env.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Removes a batch from the queue and, once it got there, from the store. */
  private forget(item: QueueItem): void {
    this.remove(item);
    const store = this.config.store;
    if (store === undefined) return;
    const remove = () => this.storeCall(() => store.delete(item.key), undefined);
    if (item.persisted === null) void remove();
    else void item.persisted.then(remove);
  }

  /** Calls the store; a throw or rejection gives `fallback` (the store is best effort). */
  private storeCall<T>(call: () => Promise<T> | undefined, fallback: T): Promise<T> {
    try {
      const result = call();
      return result === undefined ? Promise.resolve(fallback) : result.catch(() => fallback);
    } catch {
      return Promise.resolve(fallback);
    }
  }

  /** Removes a batch from this page's queue only (the store keeps it). */
  private remove(item: QueueItem): void {
    const index = this.queue.indexOf(item);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.queueBytes -= item.batch.body.length;
  }
}

/** Returns the UTF-8 size of `text`, or its length when that alone already exceeds `budget`. */
function utf8Length(text: string, budget: number): number {
  return text.length > budget ? text.length : new TextEncoder().encode(text).length;
}

async function errorCode(response: IngestResponse): Promise<string | null> {
  try {
    const body = await response.json();
    if (typeof body !== 'object' || body === null) return null;
    const error = (body as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return null;
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
