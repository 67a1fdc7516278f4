/**
 * Delivery of sealed batches to `POST /api/v1/ingest`: a bounded in-memory queue sent in order,
 * gzip when available, retries with backoff on network errors, 429 and 5xx, dropping on other
 * 4xx, and a last synchronous send with `fetch(keepalive)` or `sendBeacon` when the page is
 * hidden or unloads. Network, timers, randomness and compression are injected.
 *
 * The server stores a (session, window, seq) once and answers a repeat as success, so sending a
 * batch twice is always safe; the unload path relies on that. A persistent queue (IndexedDB) can
 * later be put in front of `enqueue` and `settle` without changing the send logic.
 */

import { parseRetryAfterMs, retryDelayMs } from './backoff';
import type { Compressor } from './compression';
import { MAX_QUEUE_BATCHES, MAX_QUEUE_BYTES, MIN_COMPRESS_BYTES, UNLOAD_BUDGET_BYTES } from './config';

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
}

export interface TransportConfig {
  endpoint: string;
  projectKey: string;
  maxQueueBatches?: number;
  maxQueueBytes?: number;
  unloadBudgetBytes?: number;
  /** Called when the server refuses a batch for good (a 4xx other than 429). */
  onRejected?: (status: number, code: string | null) => void;
}

type Outcome =
  | { kind: 'stored' }
  | { kind: 'rejected'; status: number; code: string | null }
  | { kind: 'retry'; retryAfterMs: number | null };

interface QueueItem {
  batch: OutgoingBatch;
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
  private running: Promise<void> | null = null;
  private warnedDrop = false;
  private warnedReject = false;
  /** Bytes of keepalive requests not yet answered; browsers cap their sum per page. */
  private keepaliveBytesInFlight = 0;
  private readonly ingestUrl: string;
  private readonly beaconUrl: string;
  /** Batches dropped because the queue was full. */
  droppedBatches = 0;
  /** Batches the server refused (4xx other than 429). */
  rejectedBatches = 0;

  constructor(
    private readonly config: TransportConfig,
    private readonly env: TransportEnvironment,
  ) {
    this.ingestUrl = `${config.endpoint}/api/v1/ingest`;
    this.beaconUrl = `${this.ingestUrl}?project=${encodeURIComponent(config.projectKey)}`;
  }

  /** Number of batches waiting or being sent. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues a batch and, unless `startSending` is false (the caller sends for unload next),
   * starts sending. Drops the oldest batches beyond the queue bounds.
   */
  enqueue(batch: OutgoingBatch, startSending = true): void {
    this.queue.push({ batch, gzipped: null, inFlight: 0, sentForUnload: false });
    this.queueBytes += batch.body.length;
    const maxBatches = this.config.maxQueueBatches ?? MAX_QUEUE_BATCHES;
    const maxBytes = this.config.maxQueueBytes ?? MAX_QUEUE_BYTES;
    while (this.queue.length > 1 && (this.queue.length > maxBatches || this.queueBytes > maxBytes)) {
      const oldest = this.queue[0];
      this.remove(oldest);
      this.droppedBatches += 1;
      if (!this.warnedDrop) {
        this.warnedDrop = true;
        this.env.warn('[tapedeck] the send queue is full; dropping the oldest batches');
      }
    }
    if (startSending) this.kick();
  }

  /**
   * Sends everything queued now, ignoring a pending backoff once, and resolves when the queue
   * is empty or a send failed (a retry is then scheduled).
   */
  async flush(): Promise<void> {
    this.cancelRetry();
    if (this.running !== null) await this.running;
    this.cancelRetry();
    if (this.queue.length > 0) await this.runDrain();
  }

  /**
   * Starts, synchronously, the sends that can outlive the page: queued batches up to the unload
   * budget, with `fetch(keepalive)` where supported, else `sendBeacon`. They go as CORS-simple
   * requests (key in `?project=`, no custom headers) so no preflight has to survive the unload.
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
        // The browser now owns delivery of this body.
        this.remove(item);
      } else {
        break;
      }
    }
    this.kick();
  }

  /** Drops every queued batch (consent withdrawn). */
  discard(): void {
    this.cancelRetry();
    for (const item of this.queue.slice()) this.remove(item);
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
      const outcome = await this.attempt(item, false);
      if (!this.settle(item, outcome)) return;
    }
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
        this.remove(item);
        return true;
      case 'rejected':
        this.remove(item);
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
