/**
 * `sampleRate`: whether a session is recorded at all. The decision is made once per session and
 * kept in sessionStorage next to it, so every page load of the session agrees; a continuation
 * (the 2-hour split) inherits the decision of the session it continues. Storage and randomness
 * are injected; no DOM.
 */

import type { KeyValueStorage } from './session';

export const SAMPLING_STORAGE_KEY = 'tapedeck.sampling';

interface SamplingRecord {
  sessionId: string;
  sampled: boolean;
}

/** Returns `rate` clamped to 0..1 (a bad value counts as 1: record). */
export function clampSampleRate(rate: number): number {
  if (!Number.isFinite(rate)) return 1;
  return Math.min(1, Math.max(0, rate));
}

/** Decides and remembers, per session, whether it is recorded. */
export class SamplingStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly random: () => number,
  ) {}

  /**
   * Returns whether session `sessionId` is recorded. The first call for a session decides (with
   * probability `rate`) and stores the answer; later calls, in this page or after a reload,
   * return it whatever the rate is then. With `continuesSessionId`, a session not yet decided
   * takes the decision stored for that one.
   */
  isSampled(sessionId: string, rate: number, continuesSessionId?: string | null): boolean {
    const stored = this.read();
    if (stored !== null && stored.sessionId === sessionId) return stored.sampled;
    let sampled: boolean;
    if (stored !== null && continuesSessionId != null && stored.sessionId === continuesSessionId) {
      sampled = stored.sampled;
    } else {
      const clamped = clampSampleRate(rate);
      // `random()` is in [0, 1): a rate of 1 always records, a rate of 0 never does.
      sampled = clamped >= 1 ? true : clamped <= 0 ? false : this.random() < clamped;
    }
    this.write({ sessionId, sampled });
    return sampled;
  }

  private read(): SamplingRecord | null {
    try {
      const raw = this.storage.getItem(SAMPLING_STORAGE_KEY);
      if (raw === null) return null;
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null) return null;
      const { sessionId, sampled } = value as Record<string, unknown>;
      if (typeof sessionId !== 'string' || typeof sampled !== 'boolean') return null;
      return { sessionId, sampled };
    } catch {
      return null;
    }
  }

  private write(record: SamplingRecord): void {
    try {
      this.storage.setItem(SAMPLING_STORAGE_KEY, JSON.stringify(record));
    } catch {
      // The decision then holds for this page only.
    }
  }
}
