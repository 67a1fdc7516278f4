import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SERIALIZE_LIMITS, serializeArgs, serializeValue } from '../src/capture/serialize';

const small = { ...DEFAULT_SERIALIZE_LIMITS, maxDepth: 2, maxKeys: 3, maxArrayItems: 3, maxStringChars: 10, maxTotalChars: 200 };

test('primitives, strings and objects', () => {
  assert.deepEqual(serializeArgs(['boom', { a: 1 }, 3, null, undefined, true]), ['boom', '{"a":1}', '3', 'null', 'undefined', 'true']);
  assert.equal(serializeValue(BigInt(10)), '10n');
  assert.equal(serializeValue(Symbol('s')), 'Symbol(s)');
  assert.equal(serializeValue(function named() {}), '[Function: named]');
  assert.equal(serializeValue({ f: () => 1, s: Symbol.iterator }), '{"f":[Function: f],"s":Symbol(Symbol.iterator)}');
  assert.equal(serializeValue(new Date(0)), '1970-01-01T00:00:00.000Z');
  assert.equal(serializeValue(new Map([['k', 1]])), 'Map(1) {"k" => 1}');
  assert.equal(serializeValue(new Set([1, 2])), 'Set(2) [1,2]');
});

test('cycles are cut, repeated (non-cyclic) references are not', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  assert.equal(serializeValue(a), '{"name":"a","self":[Circular]}');
  const shared = { x: 1 };
  assert.equal(serializeValue([shared, shared]), '[{"x":1},{"x":1}]');
});

test('depth, keys, array items and string length are bounded', () => {
  assert.equal(serializeValue({ a: { b: { c: 1 } }, l: [[1]] }, small), '{"a":{"b":[Object]},"l":[[Array(1)]]}');
  assert.equal(serializeValue({ a: 1, b: 2, c: 3, d: 4, e: 5 }, small), '{"a":1,"b":2,"c":3,… 2 more}');
  assert.equal(serializeValue([1, 2, 3, 4, 5], small), '[1,2,3,… 2 more]');
  assert.equal(serializeValue('x'.repeat(50), small), `${'x'.repeat(10)}…`);
  assert.equal(serializeValue(['y'.repeat(50)], small), `["${'y'.repeat(10)}…"]`);
});

test('a huge value stays within the total budget, across all arguments', () => {
  const huge = 'z'.repeat(5_000_000);
  const [one] = serializeArgs([huge]);
  assert.ok(one.length <= DEFAULT_SERIALIZE_LIMITS.maxStringChars + 1);
  const many = serializeArgs(Array.from({ length: 10 }, () => ({ text: 'w'.repeat(1_000), list: Array.from({ length: 40 }, (_, i) => i) })));
  const total = many.reduce((sum, arg) => sum + arg.length, 0);
  assert.ok(total <= DEFAULT_SERIALIZE_LIMITS.maxTotalChars + 20, `total ${total}`);
  assert.ok(many[many.length - 1].startsWith('…'), 'arguments past the budget are summarised');
  const args = serializeArgs(Array.from({ length: 30 }, (_, i) => i));
  assert.equal(args.length, DEFAULT_SERIALIZE_LIMITS.maxArgs + 1);
  assert.equal(args[args.length - 1], '… 10 more');
});

test('DOM nodes are described by tag, id and class only (a fake node)', () => {
  const element = { nodeType: 1, nodeName: 'DIV', tagName: 'DIV', id: 'main', className: 'card wide', textContent: 'private text' };
  assert.equal(serializeValue(element), '<div#main.card.wide>');
  assert.equal(serializeValue({ target: element }), '{"target":<div#main.card.wide>}');
  assert.equal(serializeValue({ nodeType: 3, nodeName: '#text', data: 'secret' }), '[#text]');
});

test('errors show name, message and stack; getters are not invoked', () => {
  const error = new TypeError('bad thing');
  assert.ok(serializeValue(error).startsWith('TypeError: bad thing\n    at '));
  assert.equal(serializeValue({ cause: new RangeError('deep') }), '{"cause":[RangeError: deep]}');
  let called = false;
  const withGetter = Object.defineProperty({}, 'lazy', { enumerable: true, get: () => ((called = true), 1) });
  assert.equal(serializeValue(withGetter), '{"lazy":[Getter]}');
  assert.equal(called, false);
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
  assert.equal(serializeValue(hostile), '[Unserializable]');
});

test('secret keys and secret text are masked', () => {
  assert.equal(serializeValue({ user: 'ann', password: 'hunter2', token: { a: 1 } }), '{"user":"ann","password":"[masked]","token":"[masked]"}');
  assert.deepEqual(serializeArgs(['paid with 4111 1111 1111 1111']), ['paid with [masked]']);
});
