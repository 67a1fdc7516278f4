import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PrivacyLevel } from '../src/config';
import { isSensitiveInput, privacyRecordOptions, type MaskedElement, type PrivacySelectors } from '../src/privacy';

const noSelectors: PrivacySelectors = { maskSelectors: [], blockSelectors: [], ignoreSelectors: [] };

/**
 * A fake element: `attributes`, and `inside`, the selector parts (`[data-tapedeck-mask]`,
 * `.secret`…) that an ancestor-or-self matches. `closest` matches a selector list by its parts.
 */
function element(attributes: Record<string, string> = {}, inside: string[] = []): MaskedElement {
  return {
    getAttribute: (name: string) => attributes[name] ?? null,
    closest: (selector: string) => (selector.split(',').some((part) => inside.includes(part)) ? {} : null),
  };
}

type Masker = (text: string, element: HTMLElement | null) => string;

function maskers(level: PrivacyLevel, selectors = noSelectors): { text: Masker; input: Masker } {
  const options = privacyRecordOptions(level, selectors);
  const text = options.maskTextFn;
  const input = options.maskInputFn;
  assert.ok(text !== undefined && input !== undefined);
  return { text, input: (value, el) => input(value, el as HTMLElement) };
}

const el = (attributes: Record<string, string> = {}, inside: string[] = []) =>
  element(attributes, inside) as unknown as HTMLElement;

test('every level sends all text through maskTextFn and applies the data-tapedeck attributes', () => {
  for (const level of ['strict', 'balanced', 'minimal'] as const) {
    const options = privacyRecordOptions(level, {
      maskSelectors: ['.secret'],
      blockSelectors: ['#map'],
      ignoreSelectors: ['.noisy'],
    });
    assert.equal(options.maskTextSelector, '*');
    assert.ok(options.blockSelector?.endsWith('[data-tapedeck-block],#map'), options.blockSelector);
    assert.equal(options.ignoreSelector, '[data-tapedeck-ignore],[data-tapedeck-ignore] *,.noisy');
    assert.equal(options.recordCanvas, false);
  }
});

test('strict masks all inputs and blocks media; balanced masks all inputs; minimal lists the kinds', () => {
  assert.equal(privacyRecordOptions('strict', noSelectors).maskAllInputs, true);
  assert.equal(privacyRecordOptions('strict', noSelectors).blockSelector, 'img,canvas,video,[data-tapedeck-block]');
  assert.equal(privacyRecordOptions('balanced', noSelectors).maskAllInputs, true);
  assert.equal(privacyRecordOptions('balanced', noSelectors).blockSelector, '[data-tapedeck-block]');
  const minimal = privacyRecordOptions('minimal', noSelectors);
  assert.equal(minimal.maskAllInputs, false);
  assert.equal(minimal.maskInputOptions?.password, true);
  assert.equal(minimal.maskInputOptions?.textarea, true);
});

test('canvas recording is opt-in', () => {
  assert.equal(privacyRecordOptions('balanced', { ...noSelectors, recordCanvas: true }).recordCanvas, true);
});

const TEXT = 'Hi Ada, ada@example.org, card 4111 1111 1111 1111, call +1 415 555 0123.';

test('maskTextFn per level: strict all, balanced PII, minimal cards only', () => {
  const plain = el({}, []);
  assert.equal(maskers('strict').text(TEXT, plain), TEXT.replace(/\S/g, '*'));
  assert.equal(
    maskers('balanced').text(TEXT, plain),
    'Hi Ada, ***************, card **** **** **** ****, call +* *** *** ****.',
  );
  assert.equal(maskers('minimal').text(TEXT, plain), 'Hi Ada, ada@example.org, card **** **** **** ****, call +1 415 555 0123.');
  for (const level of ['strict', 'balanced', 'minimal'] as const) {
    assert.equal(maskers(level).text(TEXT, plain).length, TEXT.length);
    assert.equal(maskers(level).text('   ', null), '   ');
  }
  assert.equal(maskers('balanced').text('Nothing personal here.', plain), 'Nothing personal here.');
  assert.equal(maskers('minimal').text('Nothing personal here.', null), 'Nothing personal here.');
});

test('mask selectors and the attribute mask all text at every level', () => {
  const selectors = { ...noSelectors, maskSelectors: ['.secret'] };
  for (const level of ['strict', 'balanced', 'minimal'] as const) {
    assert.equal(maskers(level, selectors).text('Ada', el({}, ['.secret'])), '***');
    assert.equal(maskers(level, selectors).text('Ada', el({}, ['[data-tapedeck-mask]'])), '***');
    assert.equal(maskers(level, selectors).input('Ada', el({ type: 'text' }, ['.secret'])), '***');
  }
});

test('unmask reveals text and inputs under strict, but never cards or secret inputs', () => {
  const unmasked = el({ type: 'text' }, ['[data-tapedeck-unmask]']);
  const { text, input } = maskers('strict');
  assert.equal(text(TEXT, unmasked), 'Hi Ada, ada@example.org, card **** **** **** ****, call +1 415 555 0123.');
  assert.equal(input('Ada Lovelace', unmasked), 'Ada Lovelace');
  assert.equal(input('4111111111111111', unmasked), '****************');
  assert.equal(input('hunter2', el({ type: 'password' }, ['[data-tapedeck-unmask]'])), '*******');
  // An unmaskSelectors entry works like the attribute; a mask inside wins.
  const custom = maskers('strict', { ...noSelectors, unmaskSelectors: ['.public'] });
  assert.equal(custom.text('Ada', el({}, ['.public'])), 'Ada');
  assert.equal(custom.text('Ada', el({}, ['.public', '[data-tapedeck-mask]'])), '***');
});

test('maskInputFn per level', () => {
  const name = el({ type: 'text', name: 'first_name' });
  assert.equal(maskers('strict').input('Ada', name), '***');
  assert.equal(maskers('balanced').input('Ada', name), '***');
  const minimal = maskers('minimal').input;
  assert.equal(minimal('Ada', name), 'Ada');
  assert.equal(minimal('note: 4111 1111 1111 1111', name), 'note: **** **** **** ****');
  assert.equal(minimal('hunter2', el({ type: 'password' })), '*******');
  assert.equal(minimal('hunter2', el({ type: 'text', 'data-rr-is-password': 'true' })), '*******');
  assert.equal(minimal('4111', el({ type: 'text', autocomplete: 'billing cc-number' })), '****');
  assert.equal(minimal('123456', el({ autocomplete: 'one-time-code' })), '******');
  assert.equal(minimal('737', el({ name: 'cvc' })), '***');
});

test('sensitive inputs are recognised by type, autocomplete, and card-like names', () => {
  const sensitive: Array<Record<string, string>> = [
    { type: 'PASSWORD' },
    { autocomplete: 'cc-csc' },
    { autocomplete: 'section-a shipping cc-exp' },
    { autocomplete: 'new-password' },
    { autocomplete: 'one-time-code' },
    { name: 'cardNumber' },
    { id: 'cc-num' },
    { name: 'cvv' },
    { name: 'card_cvc' },
    { id: 'securityCode' },
  ];
  for (const attributes of sensitive) {
    assert.equal(isSensitiveInput(element(attributes)), true, JSON.stringify(attributes));
  }
  const ordinary: Array<Record<string, string>> = [{ type: 'email' }, { autocomplete: 'email' }, { name: 'discount_code' }, {}];
  for (const attributes of ordinary) {
    assert.equal(isSensitiveInput(element(attributes)), false, JSON.stringify(attributes));
  }
});
