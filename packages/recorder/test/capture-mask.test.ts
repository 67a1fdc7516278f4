import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLuhnValid, maskSensitive } from '../src/capture/mask';

test('secret query parameters are masked, others kept', () => {
  assert.equal(
    maskSensitive('https://a.test/cb?code=1&access_token=abc&page=2&api_key=k&password=p#x'),
    'https://a.test/cb?code=1&access_token=[masked]&page=2&api_key=[masked]&password=[masked]#x',
  );
  assert.equal(maskSensitive('https://a.test/?q=hello'), 'https://a.test/?q=hello');
});

test('secret JSON keys are masked, whatever the value type', () => {
  assert.equal(
    maskSensitive('{"user":"ann","password":"hunter2","pin":12,"refreshToken":"r","nested":{"apiKey":123,"ok":true}}'),
    '{"user":"ann","password":"[masked]","pin":12,"refreshToken":"[masked]","nested":{"apiKey":"[masked]","ok":true}}',
  );
  assert.equal(maskSensitive('{"card_number": "4111 1111 1111 1111"}'), '{"card_number": "[masked]"}');
});

test('bearer tokens and Luhn-valid card numbers are masked anywhere', () => {
  assert.equal(maskSensitive('sent Authorization: Bearer SECRET-TOKEN-123 ok'), 'sent Authorization: Bearer [masked] ok');
  assert.equal(maskSensitive('card 4111111111111111 and 4111-1111-1111-1111'), 'card [masked] and [masked]');
  // Not Luhn-valid: an order number stays.
  assert.equal(maskSensitive('order 4111111111111112'), 'order 4111111111111112');
  assert.equal(isLuhnValid('79927398713'), false, 'too short for a card');
  assert.equal(isLuhnValid('5555555555554444'), true);
});
