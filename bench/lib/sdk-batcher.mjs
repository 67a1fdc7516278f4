/**
 * The SDK's batching rules (packages/recorder/src/batcher.ts, limits from src/config.ts) for
 * generated sessions, on event timestamps instead of the clock: a batch is sealed 3 s after its
 * first event, before an event that would take it past 512 KiB of event JSON, and once it holds
 * 512 KiB or 5,000 events.
 */
export const BATCH_LIMITS = { flushIntervalMs: 3_000, maxBatchBytes: 512 * 1024, maxBatchEvents: 5_000 };

export class SdkBatcher {
  constructor(limits = BATCH_LIMITS) {
    this.limits = limits;
    this.events = [];
    this.bytes = 0;
    this.openedAt = 0;
  }

  /** Adds an rrweb event; returns the batches (arrays of events) this sealed. */
  add(event) {
    const sealed = [];
    const size = JSON.stringify(event).length;
    const due = event.timestamp - this.openedAt >= this.limits.flushIntervalMs;
    if (this.events.length > 0 && (due || this.bytes + size > this.limits.maxBatchBytes)) sealed.push(this.seal());
    if (this.events.length === 0) this.openedAt = event.timestamp;
    this.events.push(event);
    this.bytes += size;
    if (this.bytes >= this.limits.maxBatchBytes || this.events.length >= this.limits.maxBatchEvents) sealed.push(this.seal());
    return sealed;
  }

  /** Seals what waits (a flush); null when nothing does. */
  seal() {
    if (this.events.length === 0) return null;
    const events = this.events;
    this.events = [];
    this.bytes = 0;
    return events;
  }
}
