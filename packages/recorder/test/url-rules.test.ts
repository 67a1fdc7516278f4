import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOptions, OptionsError } from '../src/config';
import { UrlRules, globToRegExp } from '../src/url-rules';

test('a string pattern matches the whole URL, with * for any characters', () => {
  const rules = new UrlRules(['https://shop.test/admin/*', '*/account/settings*']);
  assert.equal(rules.matches('https://shop.test/admin/users?page=2'), true);
  assert.equal(rules.matches('https://shop.test/admin/'), true);
  assert.equal(rules.matches('https://shop.test/admin'), false, 'the slash is part of the pattern');
  assert.equal(rules.matches('https://evil.test/?next=https://shop.test/admin/x'), false, 'anchored at the start');
  assert.equal(rules.matches('http://localhost:3000/account/settings#billing'), true);
  assert.equal(rules.matches('https://shop.test/cart'), false);
});

test('everything but * is literal in a string pattern', () => {
  const rules = new UrlRules(['https://a.test/search?q=(x)+[y].html']);
  assert.equal(rules.matches('https://a.test/search?q=(x)+[y].html'), true);
  assert.equal(rules.matches('https://a.test/searchXq=(x)+[y]Xhtml'), false);
  assert.equal(globToRegExp('*.pdf').test('https://a.test/doc.pdf'), true);
});

test('RegExps are tested against the full URL, and g/y flags keep no state', () => {
  const rules = new UrlRules([/\/checkout\/\d+/g]);
  for (let i = 0; i < 3; i++) assert.equal(rules.matches('https://a.test/checkout/42'), true);
  assert.equal(rules.matches('https://a.test/checkout/'), false);
});

test('no rules (or blank strings) exclude nothing', () => {
  assert.equal(new UrlRules([]).empty, true);
  assert.equal(new UrlRules(['  ']).empty, true);
  assert.equal(new UrlRules(['']).matches(''), false);
});

test('excludeUrls and sampleRate are checked by resolveOptions', () => {
  const base = { endpoint: 'https://t.test', projectKey: 'k' };
  assert.deepEqual(resolveOptions(base).excludeUrls, []);
  assert.equal(resolveOptions(base).sampleRate, 1);
  assert.equal(resolveOptions({ ...base, sampleRate: 0 }).sampleRate, 0);
  assert.throws(() => resolveOptions({ ...base, sampleRate: 1.5 }), OptionsError);
  assert.throws(() => resolveOptions({ ...base, sampleRate: Number.NaN }), OptionsError);
  assert.throws(() => resolveOptions({ ...base, excludeUrls: [42] as unknown as string[] }), OptionsError);
});
