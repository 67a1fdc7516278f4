import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSensitiveInput, privacyRecordOptions } from '../src/privacy';

const noSelectors = { maskSelectors: [], blockSelectors: [], ignoreSelectors: [] };
const element = (attributes: Record<string, string>) => ({
  getAttribute: (name: string) => attributes[name] ?? null,
});

test('balanced masks all inputs and applies the data-tapedeck attributes', () => {
  const options = privacyRecordOptions('balanced', {
    maskSelectors: ['.secret'],
    blockSelectors: ['#map'],
    ignoreSelectors: ['.noisy'],
  });
  assert.equal(options.maskAllInputs, true);
  assert.equal(options.maskTextSelector, '[data-tapedeck-mask],.secret');
  assert.equal(options.blockSelector, '[data-tapedeck-block],#map');
  assert.equal(options.ignoreSelector, '[data-tapedeck-ignore],.noisy');
});

test('strict masks all text and inputs and blocks media', () => {
  const options = privacyRecordOptions('strict', { ...noSelectors, blockSelectors: ['#map'] });
  assert.equal(options.maskAllInputs, true);
  assert.equal(options.maskTextSelector, '*');
  assert.equal(options.blockSelector, 'img,canvas,video,[data-tapedeck-block],#map');
});

test('minimal shows ordinary inputs but masks passwords, cards and one-time codes', () => {
  const options = privacyRecordOptions('minimal', noSelectors);
  assert.equal(options.maskAllInputs, false);
  assert.equal(options.maskInputOptions?.password, true);
  const mask = options.maskInputFn;
  assert.ok(mask !== undefined);
  const input = (attributes: Record<string, string>) => element(attributes) as unknown as HTMLElement;
  assert.equal(mask('alice', input({ type: 'text', name: 'first_name' })), 'alice');
  assert.equal(mask('hunter2', input({ type: 'password' })), '*******');
  assert.equal(mask('4111', input({ type: 'text', autocomplete: 'billing cc-number' })), '****');
  assert.equal(mask('123456', input({ autocomplete: 'one-time-code' })), '******');
});

test('sensitive inputs are recognised by type, autocomplete, and card-like names', () => {
  const sensitive: Array<Record<string, string>> = [
    { type: 'PASSWORD' },
    { autocomplete: 'cc-csc' },
    { autocomplete: 'section-a shipping cc-exp' },
    { autocomplete: 'new-password' },
    { name: 'cardNumber' },
    { id: 'cc-num' },
    { name: 'cvv' },
  ];
  for (const attributes of sensitive) {
    assert.equal(isSensitiveInput(element(attributes)), true, JSON.stringify(attributes));
  }
  const ordinary: Array<Record<string, string>> = [{ type: 'email' }, { autocomplete: 'email' }, { name: 'discount_code' }, {}];
  for (const attributes of ordinary) {
    assert.equal(isSensitiveInput(element(attributes)), false, JSON.stringify(attributes));
  }
});
