/**
 * The DOM budget guard's arithmetic: counts DOM mutations over a sliding one-second window (in
 * 100 ms slots), says when the rate has stayed above the budget long enough that the recorder
 * should pause, and, while paused, when the page has been quiet long enough to resume. Pure: the
 * caller passes the time and the counts (from rrweb's mutation events, or a bare
 * MutationObserver while paused).
 */

import {
  MUTATION_BUDGET_PER_SECOND,
  MUTATION_BUDGET_SLOT_MS,
  MUTATION_OVERLOAD_MS,
  MUTATION_QUIET_MS,
} from './config';

/** rrweb's IncrementalSnapshot event type and its Mutation source. */
const EVENT_TYPE_INCREMENTAL_SNAPSHOT = 3;
const INCREMENTAL_SOURCE_MUTATION = 0;

/** Limits of the guard, injectable for tests. */
export interface MutationBudgetLimits {
  /** Mutations per (sliding) second above which the page counts as overloaded. */
  perSecond: number;
  /** The recorder pauses once the sliding second's count has stayed above the budget this long. */
  overloadMs: number;
  /** While paused, the recorder resumes once the rate has stayed within budget this long. */
  quietMs: number;
  /** Resolution of the sliding window; a second must be a whole number of slots. */
  slotMs: number;
}

export const DEFAULT_MUTATION_BUDGET: MutationBudgetLimits = {
  perSecond: MUTATION_BUDGET_PER_SECOND,
  overloadMs: MUTATION_OVERLOAD_MS,
  quietMs: MUTATION_QUIET_MS,
  slotMs: MUTATION_BUDGET_SLOT_MS,
};

/**
 * Returns the mutation work in an rrweb event: adds + removes + attribute changes + text changes
 * of an IncrementalSnapshot/Mutation event, 0 for any other event.
 */
export function countMutations(event: { type: number; data?: unknown }): number {
  if (event.type !== EVENT_TYPE_INCREMENTAL_SNAPSHOT) return 0;
  const data = event.data as Record<string, unknown> | undefined;
  if (data === undefined || data === null || data.source !== INCREMENTAL_SOURCE_MUTATION) return 0;
  let total = 0;
  for (const key of ['adds', 'removes', 'attributes', 'texts']) {
    const list = data[key];
    if (Array.isArray(list)) total += list.length;
  }
  return total;
}

/** Sliding-window rate and the over/under-budget streaks of one guard. */
export class MutationBudget {
  private readonly slots: number[];
  /** Absolute number (time / slotMs) of the newest slot, `null` before the first call. */
  private slot: number | null = null;
  private windowSum = 0;
  /** End time of the first completed slot of the current over-budget streak. */
  private overSince: number | null = null;
  /** End time of the first completed slot of the current within-budget streak. */
  private quietSince: number | null = null;
  /** The highest one-second count of the current over-budget streak. */
  private peak = 0;

  constructor(private readonly limits: MutationBudgetLimits = DEFAULT_MUTATION_BUDGET) {
    this.slots = new Array<number>(Math.max(1, Math.round(1_000 / limits.slotMs))).fill(0);
  }

  /**
   * Forgets all counts and streaks (a fresh start, or the start of a pause). With `nowMs`, the
   * window starts there, and so does the quiet streak.
   */
  reset(nowMs?: number): void {
    this.slots.fill(0);
    this.slot = null;
    this.windowSum = 0;
    this.overSince = null;
    this.quietSince = null;
    this.peak = 0;
    if (nowMs !== undefined) this.advance(nowMs);
  }

  /**
   * Adds `count` mutations at `nowMs`. Returns the measured rate (mutations in the worst second
   * of the overload) when the page has now been over budget for the overload time, else `null`.
   */
  add(count: number, nowMs: number): { ratePerSecond: number } | null {
    this.advance(nowMs);
    const index = (this.slot ?? 0) % this.slots.length;
    this.slots[index] += count;
    this.windowSum += count;
    if (this.overSince === null) return null;
    if (nowMs - this.overSince >= this.limits.overloadMs) return { ratePerSecond: this.peak };
    return null;
  }

  /** Returns true when, up to `nowMs`, the rate has stayed within budget for the quiet time. */
  isQuiet(nowMs: number): boolean {
    this.advance(nowMs);
    return this.quietSince !== null && nowMs - this.quietSince >= this.limits.quietMs;
  }

  /** Mutations counted in the last second (completed slots and the current one). */
  get ratePerSecond(): number {
    return this.windowSum;
  }

  /** Moves the window to `nowMs`, judging the one-second count at the end of each slot passed. */
  private advance(nowMs: number): void {
    const target = Math.floor(nowMs / this.limits.slotMs);
    if (this.slot === null) {
      this.slot = target;
      // The quiet streak of a fresh guard starts now.
      this.quietSince = nowMs;
      return;
    }
    // Past a whole window of empty slots every further slot judges the same: skip them.
    let steps = 0;
    while (this.slot < target) {
      if (steps > this.slots.length) {
        this.slot = target;
        break;
      }
      this.judge((this.slot + 1) * this.limits.slotMs);
      this.slot += 1;
      const index = this.slot % this.slots.length;
      this.windowSum -= this.slots[index];
      this.slots[index] = 0;
      steps += 1;
    }
  }

  private judge(slotEndMs: number): void {
    if (this.windowSum > this.limits.perSecond) {
      if (this.overSince === null) this.overSince = slotEndMs;
      this.peak = Math.max(this.peak, this.windowSum);
      this.quietSince = null;
    } else {
      this.overSince = null;
      this.peak = 0;
      if (this.quietSince === null) this.quietSince = slotEndMs;
    }
  }
}
