import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionsError, resolveOptions, type TapedeckOptions } from '../src/config';

test('defaults are applied and the endpoint loses trailing slashes', () => {
  const options = resolveOptions({ endpoint: 'https://td.test/', projectKey: 'KEY' });
  assert.deepEqual(options, {
    endpoint: 'https://td.test',
    projectKey: 'KEY',
    privacy: 'balanced',
    maskSelectors: [],
    blockSelectors: [],
    ignoreSelectors: [],
    unmaskSelectors: [],
    recordCanvas: false,
    user: {},
    tags: {},
    autoStart: true,
    requireConsent: false,
    excludeUrls: [],
    sampleRate: 1,
    remoteConfig: true,
    captureNetwork: false,
    captureConsole: false,
  });
});

test('user and tags keep only what the ingest API carries', () => {
  const options = resolveOptions({
    endpoint: 'https://td.test',
    projectKey: 'KEY',
    user: { id: 'u-42', email: 'a@b.test', name: 'Ann', role: 'admin' } as TapedeckOptions['user'],
    tags: { plan: 'pro', seats: 3, beta: true, nested: {} } as unknown as Record<string, string>,
  });
  assert.deepEqual(options.user, { id: 'u-42', email: 'a@b.test', name: 'Ann' });
  assert.deepEqual(options.tags, { plan: 'pro', seats: '3', beta: 'true' });
});

test('bad options are refused with the option named', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ endpoint: 'https://td.test' }, /projectKey/],
    [{ projectKey: 'K', endpoint: 'ftp://td.test' }, /endpoint/],
    [{ projectKey: 'K', endpoint: 'https://td.test', privacy: 'none' }, /privacy/],
    [{ projectKey: 'K', endpoint: 'https://td.test', maskSelectors: '.a' }, /maskSelectors/],
    [null, /options/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => resolveOptions(options as TapedeckOptions), (error: unknown) => {
      return error instanceof OptionsError && message.test(error.message);
    });
  }
});
