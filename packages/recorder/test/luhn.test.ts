import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLuhnValid, maskCardNumbers } from '../src/luhn';

/** Appends the Luhn check digit to `body`. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

test('Luhn: known card numbers pass, one changed digit fails', () => {
  for (const card of ['4111111111111111', '5555555555554444', '378282246310005', '4012888888881881', '6011111111111117']) {
    assert.equal(isLuhnValid(card), true, card);
    const last = Number(card[card.length - 1]);
    assert.equal(isLuhnValid(card.slice(0, -1) + String((last + 1) % 10)), false, card);
  }
});

test('Luhn: only 13 to 19 plain digits count', () => {
  for (let length = 10; length <= 22; length += 1) {
    const card = withCheckDigit('4'.padEnd(length - 1, '1'));
    assert.equal(isLuhnValid(card), length >= 13 && length <= 19, `${length} digits`);
  }
  assert.equal(isLuhnValid('4111 1111 1111 1111'), false, 'separators are stripped by the caller');
  assert.equal(isLuhnValid(''), false);
});

test('card runs are masked digit by digit, separators and length kept', () => {
  assert.equal(maskCardNumbers('card 4111 1111 1111 1111 ok'), 'card **** **** **** **** ok');
  assert.equal(maskCardNumbers('4111-1111-1111-1111'), '****-****-****-****');
  assert.equal(maskCardNumbers('pay:4111111111111111.'), 'pay:****************.');
  assert.equal(maskCardNumbers('amex 3782 822463 10005'), 'amex **** ****** *****');
  for (let length = 13; length <= 19; length += 1) {
    const card = withCheckDigit('5'.padEnd(length - 1, '3'));
    assert.equal(maskCardNumbers(`x ${card} y`), `x ${'*'.repeat(length)} y`, `${length} digits`);
  }
});

test('a card glued to other digits is still masked', () => {
  assert.equal(maskCardNumbers('ref 12 4111111111111111'), 'ref 12 ****************');
  assert.equal(maskCardNumbers('ref 12-4111 1111 1111 1111-9'), 'ref 12-**** **** **** ****-9');
  const glued = maskCardNumbers('id 9999994111111111111111');
  assert.ok(glued.endsWith('****************'), glued);
});

test('text without a Luhn-valid run is unchanged', () => {
  for (const text of [
    'no digits at all',
    'order 4111 1111 1111 1112',
    'short 4111 1111 111',
    'phone +1 415 555 0123, date 2024-01-15',
    '4111  1111 1111 1111 (two spaces split the run)',
  ]) {
    assert.equal(maskCardNumbers(text), text);
  }
});
