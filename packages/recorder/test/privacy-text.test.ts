import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskAllText, maskPiiText } from '../src/privacy-text';

test('maskAllText keeps spaces and length', () => {
  assert.equal(maskAllText('Ada Lovelace,\n 1815'), '*** *********\n ****');
});

test('maskPiiText masks only the PII substrings, keeping length', () => {
  const cases: Array<[string, string]> = [
    ['Mail ada@example.org now', 'Mail *************** now'],
    ['a.b+c@mail.co.uk.', '****************.'],
    ['Card 4111 1111 1111 1111 paid', 'Card **** **** **** **** paid'],
    ['Call +1 415 555 0123 today', 'Call +* *** *** **** today'],
    ['Call (415) 555-0123', 'Call (***) ***-****'],
    ['or 415.555.0123', 'or ***.***.****'],
  ];
  for (const [text, masked] of cases) {
    assert.equal(maskPiiText(text), masked);
    assert.equal(maskPiiText(text).length, text.length);
  }
});

test('maskPiiText leaves text without PII unchanged', () => {
  for (const text of [
    'Thank you for your order!',
    'Order #12345 ships on 2024-01-15 at 10:30',
    'Total: $1,299.00 for 3 items',
    'Version 1.2.3, ext. 4567',
    'user at example dot org',
    '',
  ]) {
    assert.equal(maskPiiText(text), text);
  }
});
