import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optionsFromScriptTag } from '../src/iife';

const tag = (attributes: Record<string, string>) => (name: string) => attributes[name] ?? null;
const src = 'https://replay.example.com/sdk/tapedeck.js';

test('a tag without data-project starts nothing', () => {
  assert.equal(optionsFromScriptTag(tag({}), src), null);
  assert.equal(optionsFromScriptTag(tag({ 'data-project': '' }), src), null);
});

test('the endpoint defaults to the script origin and the privacy to the project', () => {
  const options = optionsFromScriptTag(tag({ 'data-project': 'tdp_1' }), src);
  assert.deepEqual(options, {
    projectKey: 'tdp_1',
    endpoint: 'https://replay.example.com',
    privacy: undefined,
    requireConsent: false,
  });
});

test('data-require-consent holds recording until consent', () => {
  const options = optionsFromScriptTag(tag({ 'data-project': 'tdp_1', 'data-require-consent': '' }), src);
  assert.equal(options?.requireConsent, true);
});

test('data-privacy and data-endpoint are honoured; an unknown level falls back to balanced', () => {
  const options = optionsFromScriptTag(
    tag({ 'data-project': 'tdp_1', 'data-privacy': 'strict', 'data-endpoint': 'https://t.example' }),
    src,
  );
  assert.equal(options?.privacy, 'strict');
  assert.equal(options?.endpoint, 'https://t.example');
  assert.equal(optionsFromScriptTag(tag({ 'data-project': 'tdp_1', 'data-privacy': 'loose' }), src)?.privacy, 'balanced');
});
