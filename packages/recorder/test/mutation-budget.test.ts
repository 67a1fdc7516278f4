import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MUTATION_BUDGET_PER_SECOND, MUTATION_OVERLOAD_MS, MUTATION_QUIET_MS } from '../src/config';
import { MutationBudget, countMutations } from '../src/mutation-budget';

const T0 = 1_700_000_000_000;
const FRAME_MS = 20;

/** Feeds `perSecond` mutations a second in 20 ms frames from `from` for `durationMs`; returns the first trip. */
function feed(budget: MutationBudget, from: number, durationMs: number, perSecond: number) {
  const perFrame = (perSecond * FRAME_MS) / 1_000;
  for (let t = from; t < from + durationMs; t += FRAME_MS) {
    const trip = budget.add(perFrame, t);
    if (trip !== null) return { at: t, ...trip };
  }
  return null;
}

test('countMutations counts adds, removes, attributes and texts of mutation events only', () => {
  const mutation = { type: 3, data: { source: 0, adds: [1, 2], removes: [1], attributes: [1, 2, 3], texts: [1] } };
  assert.equal(countMutations(mutation), 7);
  assert.equal(countMutations({ type: 3, data: { source: 2, adds: [1] } }), 0, 'a mouse interaction');
  assert.equal(countMutations({ type: 2, data: {} }), 0, 'a full snapshot');
  assert.equal(countMutations({ type: 3 }), 0);
});

test('a rate above the budget for the overload time trips the guard, once it has lasted that long', () => {
  const budget = new MutationBudget();
  const trip = feed(budget, T0, 10_000, MUTATION_BUDGET_PER_SECOND * 1.2);
  assert.ok(trip !== null, 'tripped');
  const elapsed = trip.at - T0;
  // The sliding second first exceeds the budget after ~0.85 s, then must stay above it.
  assert.ok(elapsed >= MUTATION_OVERLOAD_MS && elapsed <= MUTATION_OVERLOAD_MS + 1_000, `tripped after ${elapsed} ms`);
  assert.ok(Math.abs(trip.ratePerSecond - MUTATION_BUDGET_PER_SECOND * 1.2) <= 300, `measured ${trip.ratePerSecond}/s`);
});

test('a rate within budget never trips, however long', () => {
  const budget = new MutationBudget();
  assert.equal(feed(budget, T0, 30_000, MUTATION_BUDGET_PER_SECOND * 0.95), null);
});

test('a burst shorter than the overload time does not trip', () => {
  const budget = new MutationBudget();
  assert.equal(feed(budget, T0, 1_200, MUTATION_BUDGET_PER_SECOND * 3), null);
  assert.equal(feed(budget, T0 + 1_200, 3_000, 100), null, 'then calm');
  // Two bursts separated by calm are not one overload.
  assert.equal(feed(budget, T0 + 4_200, 1_200, MUTATION_BUDGET_PER_SECOND * 3), null);
});

test('a gap resets the overload streak: the window empties while nothing is counted', () => {
  const budget = new MutationBudget();
  assert.equal(feed(budget, T0, 1_500, MUTATION_BUDGET_PER_SECOND * 2), null);
  // 1.5 s of silence, then heavy work again: the streak starts over.
  assert.equal(budget.add(1, T0 + 3_000), null);
  const trip = feed(budget, T0 + 3_000, 10_000, MUTATION_BUDGET_PER_SECOND * 2);
  assert.ok(trip !== null && trip.at - T0 - 3_000 >= MUTATION_OVERLOAD_MS, 'needs a new full overload');
});

test('quiet: within budget for the quiet time after a reset', () => {
  const budget = new MutationBudget();
  budget.reset(T0);
  assert.equal(budget.isQuiet(T0 + MUTATION_QUIET_MS - 1), false);
  assert.equal(budget.isQuiet(T0 + MUTATION_QUIET_MS), true);

  budget.reset(T0);
  feed(budget, T0, 2_000, MUTATION_BUDGET_PER_SECOND * 2);
  assert.equal(budget.isQuiet(T0 + 2_000), false, 'still busy');
  assert.equal(budget.isQuiet(T0 + 2_000 + MUTATION_QUIET_MS), false, 'the last busy second counts');
  assert.equal(budget.isQuiet(T0 + 3_000 + MUTATION_QUIET_MS), true);
  assert.equal(budget.ratePerSecond, 0);
});
