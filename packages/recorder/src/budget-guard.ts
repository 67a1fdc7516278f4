/**
 * The DOM budget guard's browser side: feeds rrweb's mutation events to a `MutationBudget`, tells
 * the recorder once when the page is overloaded, and, while the recorder is paused for it,
 * watches the DOM with a bare `MutationObserver` (counting, never serializing) until the page
 * has been quiet long enough to resume.
 */

import { MUTATION_QUIET_CHECK_INTERVAL_MS } from './config';
import { warn } from './environment';
import { MutationBudget, countMutations, type MutationBudgetLimits } from './mutation-budget';

export interface BudgetGuardCallbacks {
  /** The page has been over budget for the overload time; `ratePerSecond` is the worst second. */
  onOverload(ratePerSecond: number): void;
  /** The page has been within budget for the quiet time since `watchForQuiet`. */
  onQuiet(): void;
}

export class BudgetGuard {
  private readonly budget: MutationBudget;
  private overloadReported = false;
  private observer: MutationObserver | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly callbacks: BudgetGuardCallbacks,
    limits?: MutationBudgetLimits,
  ) {
    this.budget = new MutationBudget(limits);
  }

  /** Starts counting afresh (rrweb has just started with a full snapshot). */
  startCounting(): void {
    this.stopWatching();
    this.overloadReported = false;
    this.budget.reset(Date.now());
  }

  /** Counts one rrweb event; reports an overload once, outside rrweb's emit callback. */
  countEvent(event: { type: number; data?: unknown }): void {
    const count = countMutations(event);
    if (count === 0 || this.overloadReported) return;
    const overload = this.budget.add(count, Date.now());
    if (overload === null) return;
    this.overloadReported = true;
    setTimeout(() => this.callbacks.onOverload(overload.ratePerSecond), 0);
  }

  /** While the recorder is paused for the budget: counts DOM mutations until the page is quiet. */
  watchForQuiet(): void {
    this.stopWatching();
    this.budget.reset(Date.now());
    try {
      if (typeof MutationObserver === 'function' && typeof document !== 'undefined') {
        this.observer = new MutationObserver((records) => {
          let count = 0;
          for (const record of records) {
            count += record.type === 'childList' ? record.addedNodes.length + record.removedNodes.length : 1;
          }
          this.budget.add(count, Date.now());
        });
        this.observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
      }
    } catch (error) {
      // Without an observer the page simply counts as quiet after the quiet time.
      warn('[tapedeck] cannot watch the page for quiet', error);
    }
    this.timer = setInterval(() => {
      try {
        if (!this.budget.isQuiet(Date.now())) return;
        this.stopWatching();
        this.callbacks.onQuiet();
      } catch (error) {
        warn('[tapedeck] budget guard failed', error);
      }
    }, MUTATION_QUIET_CHECK_INTERVAL_MS);
  }

  /** Stops watching for quiet (the recorder stopped, or resumed for another reason). */
  stopWatching(): void {
    if (this.observer !== null) this.observer.disconnect();
    this.observer = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
