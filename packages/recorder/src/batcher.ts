/**
 * Batching: groups serialized rrweb events into batches sealed by age, size or count, and
 * encodes a batch as the ingest body of docs/API.md. Pure: time is passed in, no DOM.
 */

import { FLUSH_INTERVAL_MS, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, type Tags, type UserInfo } from './config';

/** Events of one batch, each already JSON-serialized, and their estimated size. */
export interface SealedEvents {
  events: string[];
  /** Sum of the events' JSON lengths (UTF-16 code units, an estimate of bytes). */
  bytes: number;
}

export interface BatcherLimits {
  /** A batch is due this long after its first event. */
  flushIntervalMs: number;
  /** A batch is sealed once its events reach this many bytes. */
  maxBatchBytes: number;
  /** A batch is sealed once it holds this many events. */
  maxBatchEvents: number;
}

export const DEFAULT_BATCHER_LIMITS: BatcherLimits = {
  flushIntervalMs: FLUSH_INTERVAL_MS,
  maxBatchBytes: MAX_BATCH_BYTES,
  maxBatchEvents: MAX_BATCH_EVENTS,
};

/** Accumulates events of one session and window; the caller seals on rotation. */
export class Batcher {
  private events: string[] = [];
  private bytes = 0;
  private openedAt: number | null = null;

  constructor(private readonly limits: BatcherLimits = DEFAULT_BATCHER_LIMITS) {}

  /** Number of events waiting. */
  get length(): number {
    return this.events.length;
  }

  /**
   * Adds one serialized event recorded at `nowMs` and returns the batches this sealed (none,
   * one, or two when a large event arrives at a non-empty batch). An event alone larger than
   * the size limit becomes a batch of its own.
   */
  add(serializedEvent: string, nowMs: number): SealedEvents[] {
    const sealed: SealedEvents[] = [];
    const size = serializedEvent.length;
    if (this.events.length > 0 && this.bytes + size > this.limits.maxBatchBytes) {
      sealed.push(this.takeAll());
    }
    if (this.events.length === 0) this.openedAt = nowMs;
    this.events.push(serializedEvent);
    this.bytes += size;
    if (this.bytes >= this.limits.maxBatchBytes || this.events.length >= this.limits.maxBatchEvents) {
      sealed.push(this.takeAll());
    }
    return sealed;
  }

  /**
   * Adds one event given as its serialized pieces (src/chunker.ts): a single piece is added as
   * usual; several (the chunks of an event too large for a batch) seal what waits and then go one
   * per batch, in order.
   */
  addPieces(pieces: readonly string[], nowMs: number): SealedEvents[] {
    if (pieces.length === 1) return this.add(pieces[0], nowMs);
    const sealed: SealedEvents[] = [];
    const waiting = this.seal();
    if (waiting !== null) sealed.push(waiting);
    for (const piece of pieces) sealed.push({ events: [piece], bytes: piece.length });
    return sealed;
  }

  /** Returns true when the waiting events are old enough to be sent. */
  isDue(nowMs: number): boolean {
    return this.openedAt !== null && nowMs - this.openedAt >= this.limits.flushIntervalMs;
  }

  /** Returns when the waiting events become due, or `null` when nothing waits. */
  dueAt(): number | null {
    return this.openedAt === null ? null : this.openedAt + this.limits.flushIntervalMs;
  }

  /** Seals and returns everything waiting, or `null` when nothing waits. */
  seal(): SealedEvents | null {
    return this.events.length === 0 ? null : this.takeAll();
  }

  /**
   * Seals everything waiting into batches of at most `maxBytes` each (an oversized event still
   * goes alone), for sending while the page unloads, where request bodies are capped.
   */
  sealInPieces(maxBytes: number): SealedEvents[] {
    const pieces: SealedEvents[] = [];
    let current: SealedEvents = { events: [], bytes: 0 };
    for (const event of this.events) {
      if (current.events.length > 0 && current.bytes + event.length > maxBytes) {
        pieces.push(current);
        current = { events: [], bytes: 0 };
      }
      current.events.push(event);
      current.bytes += event.length;
    }
    if (current.events.length > 0) pieces.push(current);
    this.takeAll();
    return pieces;
  }

  /** Drops everything waiting. */
  clear(): void {
    this.takeAll();
  }

  private takeAll(): SealedEvents {
    const sealed = { events: this.events, bytes: this.bytes };
    this.events = [];
    this.bytes = 0;
    this.openedAt = null;
    return sealed;
  }
}

/** `meta` of an ingest batch (docs/API.md). */
export interface BatchMeta {
  user: UserInfo;
  url: string;
  referrer: string;
  user_agent: string;
  viewport: { width: number; height: number };
  sdk: string;
  tags: Tags;
  experiments?: Record<string, string>;
  ticket?: string;
  ticket_url?: string;
  /** Batches this page dropped (queue full) since the previous batch, so the server sees loss. */
  dropped_batches?: number;
  /** The session this one continues (split at the maximum duration), for the server to link. */
  previous_session_id?: string;
  /** The page called `stopRecording`: the server may compact the session now. */
  stopped?: boolean;
}

export interface BatchHeader {
  session_id: string;
  window_id: string;
  seq: number;
  meta: BatchMeta;
}

/**
 * Returns the JSON ingest body of a batch. Events are spliced in as already serialized, so each
 * event is stringified exactly once.
 */
export function encodeBatch(header: BatchHeader, events: readonly string[]): string {
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},"events":[${events.join(',')}]}`;
}
