import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../src/capture/capture';
import { listenForErrors, patchConsole, resolveConsoleCapture, type ConsoleEvent, type ErrorEventPayload } from '../src/capture/console';

function fakeConsole() {
  const calls: unknown[][] = [];
  const target = {
    log: (...args: unknown[]) => calls.push(['log', ...args]),
    error: (...args: unknown[]) => {
      calls.push(['error', ...args]);
      return 'result';
    },
    warn: (...args: unknown[]) => calls.push(['warn', ...args]),
  };
  return { target, calls };
}

test('levels default to all five, and can be chosen', () => {
  assert.equal(resolveConsoleCapture(false), null);
  assert.deepEqual(resolveConsoleCapture(true)?.levels, ['log', 'info', 'warn', 'error', 'debug']);
  assert.deepEqual(resolveConsoleCapture({ levels: ['error', 'nope'] })?.levels, ['error']);
});

test('wrapped methods still log, return what they returned, and are restored on stop', () => {
  const { target, calls } = fakeConsole();
  const originalError = target.error;
  const events: ConsoleEvent[] = [];
  const stop = patchConsole(target, ['log', 'error'], (event) => events.push(event));
  assert.notEqual(target.error, originalError);
  assert.equal(target.error('boom', { a: 1 }), 'result');
  target.log('[tapedeck] own warning');
  target.warn('not patched');
  assert.deepEqual(calls, [['error', 'boom', { a: 1 }], ['log', '[tapedeck] own warning'], ['warn', 'not patched']]);
  assert.equal(events.length, 1, 'own [tapedeck] messages and unpatched levels are not captured');
  assert.equal(events[0].level, 'error');
  assert.deepEqual(events[0].args, ['boom', '{"a":1}']);
  assert.match(events[0].stack ?? '', /capture-console\.test\.ts/);
  stop();
  assert.equal(target.error, originalError);
});

test('logging from inside the emitter is not captured again (no recursion)', () => {
  const { target, calls } = fakeConsole();
  const events: ConsoleEvent[] = [];
  patchConsole(target, ['log', 'warn'], (event) => {
    events.push(event);
    target.warn('from inside');
  });
  target.log('outer');
  assert.equal(events.length, 1);
  assert.equal(calls.length, 2);
});

test('an exception of the original method is thrown unchanged', () => {
  const failure = new Error('console broke');
  const target = {
    log: () => {
      throw failure;
    },
  };
  patchConsole(target, ['log'], () => undefined);
  assert.throws(() => target.log(), (error) => error === failure);
});

test('uncaught errors and unhandled rejections become error events', () => {
  const window = new EventTarget();
  const events: ErrorEventPayload[] = [];
  const stop = listenForErrors(window, (event) => events.push(event));
  const error = new Error('kaput token=abc');
  window.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught Error: kaput token=abc', filename: 'https://app.example.com/app.js', lineno: 3, colno: 9, error }));
  window.dispatchEvent(new Event('error')); // a resource error: no message
  window.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: { code: 42 } }));
  assert.equal(events.length, 2);
  assert.equal(events[0].kind, 'error');
  assert.equal(events[0].message, 'Uncaught Error: kaput token=[masked]');
  assert.equal(events[0].source, 'https://app.example.com/app.js');
  assert.equal(events[0].line, 3);
  assert.equal(events[0].column, 9);
  assert.match(events[0].stack, /^Error: kaput token=\[masked\]\n/);
  assert.deepEqual(events[1], { kind: 'unhandledrejection', message: '{"code":42}', stack: '' });
  stop();
  window.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 1 }));
  assert.equal(events.length, 2);
});

test('the rate limiter passes a number per window and reports the dropped count once', () => {
  const clock = { t: 0 };
  const limiter = new RateLimiter(2, 1_000, () => clock.t);
  assert.deepEqual([limiter.take(), limiter.take(), limiter.take(), limiter.take()].map((r) => r.allowed), [true, true, false, false]);
  clock.t = 1_000;
  assert.deepEqual(limiter.take(), { allowed: true, droppedBefore: 2 });
  assert.deepEqual(limiter.take(), { allowed: true, droppedBefore: 0 });
});
