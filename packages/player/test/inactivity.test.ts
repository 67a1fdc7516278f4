import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inactiveSpans, isInteraction, MIN_SKIP_MS, normalizeSpans, SKIP_LEAD_MS, skipTarget } from '../src/inactivity.ts';
import { click, custom, keyframe, move, mutation } from './fixtures.ts';

const O = 5_000_000;

test('interactions are user input, not page mutations or custom events', () => {
  assert.equal(isInteraction(move(0)), true);
  assert.equal(isInteraction(click(0)), true);
  assert.equal(isInteraction(mutation(0)), false);
  assert.equal(isInteraction(custom(0, 'x')), false);
});

test('gaps of 5 s or more between interactions, the start and the end are inactive', () => {
  const events = [...keyframe(O), move(O + 1_000), mutation(O + 3_000), click(O + 9_000), move(O + 12_000), mutation(O + 30_000)];
  assert.deepEqual(inactiveSpans(events, O, 40_000), [
    { from: 1_000, to: 9_000 },
    { from: 12_000, to: 40_000 },
  ]);
  assert.deepEqual(inactiveSpans([...keyframe(O), move(O + 4_000)], O, 8_000), [], 'gaps under 5 s are not');
  assert.deepEqual(inactiveSpans(keyframe(O + 2_000), O, 20_000), [{ from: 2_000, to: 20_000 }], 'no interaction at all');
});

test('skipping lands SKIP_LEAD_MS before the span ends, and only when that is worth it', () => {
  const spans = [{ from: 10_000, to: 60_000 }, { from: 70_000, to: 72_500 }];
  assert.equal(skipTarget(5_000, spans), null, 'before any span');
  assert.equal(skipTarget(10_000, spans), 60_000 - SKIP_LEAD_MS);
  assert.equal(skipTarget(30_000, spans), 60_000 - SKIP_LEAD_MS);
  assert.equal(skipTarget(60_000 - SKIP_LEAD_MS, spans), null, 'landed: no skip loop');
  assert.equal(skipTarget(60_000 - SKIP_LEAD_MS - MIN_SKIP_MS + 1, spans), null, 'too short a jump');
  assert.equal(skipTarget(70_000, spans), null, 'a 1.5 s jump is not worth it');
  assert.equal(skipTarget(80_000, spans), null, 'after every span');
});

test('spans are sorted and merged, bad ones dropped', () => {
  assert.deepEqual(
    normalizeSpans([{ from: 50, to: 60 }, { from: 0, to: 10 }, { from: 5, to: 20 }, { from: 30, to: 30 }, { from: Number.NaN, to: 4 }, { from: 20, to: 25 }]),
    [{ from: 0, to: 25 }, { from: 50, to: 60 }],
  );
});
