import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerValue, jsonTokens, readBody } from '../src/inspector/json-tokens.ts';
import { canAddNotes, canDeleteNote, noteTextError, roleIn, safeHttpUrl, ticketOf } from '../src/inspector/note-rules.ts';
import { copyText, shareLink } from '../src/inspector/share-link.ts';

const joined = (value: unknown): string => jsonTokens(value).map((t) => t.text).join('');

test('jsonTokens prints exactly what JSON.stringify(v, null, 2) prints', () => {
  const samples: unknown[] = [
    { a: 1, b: [true, null, 'x"y'], c: {}, d: [], e: { f: { g: -1.5e-7 } } },
    [1, [2, [3]]],
    'plain',
    42,
    null,
    { 'key with "quotes"': '<script>alert(1)</script>' },
  ];
  for (const v of samples) assert.equal(joined(v), JSON.stringify(v, null, 2));
});

test('jsonTokens colours keys, strings, numbers, booleans and null apart', () => {
  const types = jsonTokens({ k: 'v', n: 2, b: false, z: null }).filter((t) => t.type !== 'punct' && t.type !== 'space');
  assert.deepEqual(types.map((t) => [t.type, t.text]), [
    ['key', '"k"'], ['string', '"v"'], ['key', '"n"'], ['number', '2'], ['key', '"b"'], ['boolean', 'false'], ['key', '"z"'], ['null', 'null'],
  ]);
  assert.equal(joined({ skip: undefined, nan: Number.NaN }), '{\n  "nan": null\n}');
});

test('jsonTokens stops at a sane depth', () => {
  let deep: unknown = 'bottom';
  for (let i = 0; i < 100; i++) deep = [deep];
  assert.ok(joined(deep).includes('…'));
});

test('readBody parses JSON bodies and keeps other text', () => {
  assert.deepEqual(readBody('{"ok":true}'), { kind: 'json', value: { ok: true } });
  assert.deepEqual(readBody(' [1,2] '), { kind: 'json', value: [1, 2] });
  assert.deepEqual(readBody('42', 'application/json; charset=utf-8'), { kind: 'json', value: 42 });
  assert.deepEqual(readBody('42', 'text/plain'), { kind: 'text', text: '42' });
  assert.deepEqual(readBody('{"cut": "at the lim…'), { kind: 'text', text: '{"cut": "at the lim…' });
  assert.deepEqual(readBody('<html></html>', 'text/html'), { kind: 'text', text: '<html></html>' });
  assert.deepEqual(readBody('', 'application/json'), { kind: 'text', text: '' });
});

test('headerValue ignores case', () => {
  assert.equal(headerValue({ 'Content-Type': 'application/json' }, 'content-type'), 'application/json');
  assert.equal(headerValue({}, 'content-type'), null);
});

test('shareLink points at the session at a whole millisecond', () => {
  assert.equal(shareLink('https://td.example', 's-1', 15234.6), 'https://td.example/sessions/s-1?t=15235');
  assert.equal(shareLink('https://td.example', 'a b', 0), 'https://td.example/sessions/a%20b?t=0');
  assert.equal(shareLink('https://td.example', 's-1', 5000, 'w-2'), 'https://td.example/sessions/s-1?t=5000&window=w-2');
  assert.equal(shareLink('https://td.example', 's-1', Number.NaN), 'https://td.example/sessions/s-1?t=0');
});

test('copyText uses the Clipboard API, then the legacy path', async () => {
  const copied: string[] = [];
  const legacy: string[] = [];
  const ok = await copyText('one', { clipboard: { writeText: async (t) => void copied.push(t) }, legacyCopy: (t) => legacy.push(t) > 0 });
  assert.equal(ok, true);
  assert.deepEqual([copied, legacy], [['one'], []]);

  const denied = { writeText: async () => Promise.reject(new Error('NotAllowedError')) };
  assert.equal(await copyText('two', { clipboard: denied, legacyCopy: (t) => legacy.push(t) > 0 }), true);
  assert.equal(await copyText('three', { clipboard: undefined, legacyCopy: (t) => legacy.push(t) > 0 }), true);
  assert.deepEqual(legacy, ['two', 'three']);

  assert.equal(await copyText('four', { legacyCopy: () => false }), false);
  const throwing = () => {
    throw new Error('no document');
  };
  assert.equal(await copyText('five', { legacyCopy: throwing }), false);
});

test('note text: 1 to 2,000 characters after trimming', () => {
  assert.equal(noteTextError('  '), 'Write something first.');
  assert.equal(noteTextError('ok'), null);
  assert.equal(noteTextError('é'.repeat(2000)), null);
  assert.match(noteTextError('x'.repeat(2001)) ?? '', /at most 2,000 characters \(this one has 2,001\)/);
});

test('who may add and delete notes', () => {
  assert.deepEqual(['owner', 'admin', 'member', 'viewer', null].map(canAddNotes), [true, true, true, false, false]);
  const mine = { author: { id: 'u-1', email: 'a@x' } };
  assert.equal(canDeleteNote(mine, 'u-1', 'member'), true);
  assert.equal(canDeleteNote(mine, 'u-2', 'member'), false);
  assert.equal(canDeleteNote(mine, 'u-2', 'viewer'), false);
  assert.equal(canDeleteNote(mine, 'u-2', 'admin'), true);
  assert.equal(canDeleteNote(mine, null, null), false);
  const orgs = [{ id: 'o-1', role: 'member' }, { id: 'o-2', role: 'owner' }];
  assert.equal(roleIn(orgs, 'o-2'), 'owner');
  assert.equal(roleIn(orgs, 'o-3'), null);
  assert.equal(roleIn(orgs, undefined), null, 'two organizations and no id: unknown');
  assert.equal(roleIn([{ id: 'o-1', role: 'admin' }], null), 'admin');
});

test('ticket links: only http(s) URLs become links', () => {
  assert.equal(safeHttpUrl('https://help.example/t/42'), 'https://help.example/t/42');
  assert.equal(safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(safeHttpUrl('data:text/html,x'), null);
  assert.equal(safeHttpUrl('/relative'), null);
  assert.equal(safeHttpUrl(42), null);
  assert.deepEqual(ticketOf({ ticket: ' T-42 ', ticket_url: 'https://help.example/t/42' }), { ref: 'T-42', url: 'https://help.example/t/42' });
  assert.deepEqual(ticketOf({ ticket: 'T-42', ticket_url: 'javascript:alert(1)' }), { ref: 'T-42', url: null });
  assert.deepEqual(ticketOf({ ticket_url: 'https://help.example/t/42' }), { ref: 'https://help.example/t/42', url: 'https://help.example/t/42' });
  assert.equal(ticketOf({ sdk: 'tapedeck-js/0.1.0' }), null);
  assert.equal(ticketOf(null), null);
});
