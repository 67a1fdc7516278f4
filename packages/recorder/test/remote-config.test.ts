import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REMOTE_CONFIG_FAILURE_TTL_MS,
  REMOTE_CONFIG_TTL_MS,
  REMOTE_CONFIG_WAIT_MS,
  resolveOptions,
  type TapedeckOptions,
} from '../src/config';
import {
  RemoteConfigLoader,
  mergeRemoteConfig,
  parseRemoteConfig,
  type ConfigResponse,
  type RemoteConfigEnvironment,
} from '../src/remote-config';
import { MemoryStorage } from '../src/session';

const SERVER_JSON = {
  privacy: 'strict',
  mask_selectors: ['.pii'],
  block_selectors: [],
  ignore_selectors: [],
  exclude_urls: ['*/admin/*'],
  sample_rate: 0.25,
  capture_network: true,
  capture_console: false,
};
const CODE: TapedeckOptions = { endpoint: 'https://t.test', projectKey: 'key' };

test('merge: code option when given, else remote, else default — privacy only ever tightens', () => {
  const remote = parseRemoteConfig(SERVER_JSON);
  const fromRemote = resolveOptions(mergeRemoteConfig(CODE, remote));
  assert.equal(fromRemote.privacy, 'strict');
  assert.deepEqual(fromRemote.maskSelectors, ['.pii']);
  assert.deepEqual(fromRemote.excludeUrls, ['*/admin/*']);
  assert.equal(fromRemote.sampleRate, 0.25);
  assert.equal(fromRemote.captureNetwork, true);
  assert.equal(fromRemote.captureConsole, false);

  const code = resolveOptions(
    mergeRemoteConfig({ ...CODE, privacy: 'minimal', sampleRate: 1, excludeUrls: [/secret/], captureNetwork: false }, remote),
  );
  assert.equal(code.privacy, 'strict', 'page code cannot loosen the project level');
  assert.equal(code.sampleRate, 1);
  assert.deepEqual(code.excludeUrls, [/secret/, '*/admin/*'], 'excluded URLs add up');
  assert.equal(code.captureNetwork, false);
  assert.deepEqual(code.maskSelectors, ['.pii'], 'options not given in code still come from remote');

  const stricterCode = resolveOptions(mergeRemoteConfig({ ...CODE, privacy: 'strict' }, { privacy: 'minimal' }));
  assert.equal(stricterCode.privacy, 'strict', 'page code can tighten the project level');

  const defaults = resolveOptions(mergeRemoteConfig(CODE, null));
  assert.equal(defaults.privacy, 'balanced');
  assert.equal(defaults.sampleRate, 1);
  assert.deepEqual(defaults.excludeUrls, []);
  assert.equal(defaults.captureNetwork, false);
});

test('bad remote JSON is ignored: whole documents and single fields', () => {
  for (const bad of [null, 'strict', 42, [], undefined]) assert.equal(parseRemoteConfig(bad), null);
  const partial = parseRemoteConfig({
    privacy: 'paranoid',
    mask_selectors: ['.ok', 3],
    exclude_urls: 'not a list',
    sample_rate: 2,
    capture_network: 'yes',
    capture_console: true,
    unknown_field: 1,
  });
  assert.deepEqual(partial, { captureConsole: true });
  const options = resolveOptions(mergeRemoteConfig(CODE, partial));
  assert.equal(options.privacy, 'balanced');
  assert.equal(options.sampleRate, 1);
  assert.equal(parseRemoteConfig({ sample_rate: Number.NaN })?.sampleRate, undefined);
});

/** A loader environment with a manual clock and timers and a scripted fetch. */
function fakeEnv(answer: () => Promise<ConfigResponse>) {
  let now = 1_000_000;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextTimer = 1;
  const requests: string[] = [];
  const env: RemoteConfigEnvironment = {
    storage: new MemoryStorage(),
    fetch: (url) => {
      requests.push(url);
      return answer();
    },
    now: () => now,
    setTimeout: (callback, delayMs) => {
      timers.set(nextTimer, { at: now + delayMs, callback });
      return nextTimer++;
    },
    clearTimeout: (handle) => timers.delete(handle as number),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id);
        timer.callback();
      }
    }
    await new Promise((r) => setImmediate(r));
  };
  return { env, requests, advance, setNow: (ms: number) => (now = ms), getNow: () => now };
}

const ok = (body: unknown): Promise<ConfigResponse> =>
  Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });

test('a fetched config is cached and fresh for the TTL, then stale', async () => {
  const { env, requests, advance } = fakeEnv(() => ok(SERVER_JSON));
  const loader = new RemoteConfigLoader(env, 'https://t.test', 'key 1');
  assert.equal(loader.cached(), null);
  const loaded = await loader.load(REMOTE_CONFIG_WAIT_MS);
  assert.equal(loaded.source, 'network');
  assert.equal(loaded.config?.privacy, 'strict');
  assert.deepEqual(requests, ['https://t.test/api/v1/recorder-config?project=key%201']);

  // The next page load: a new loader over the same localStorage starts from the cache.
  const next = new RemoteConfigLoader(env, 'https://t.test', 'key 1');
  assert.equal(next.cached()?.fresh, true);
  assert.equal(next.cached()?.config?.sampleRate, 0.25);
  await advance(REMOTE_CONFIG_TTL_MS - 1);
  assert.equal(next.cached()?.fresh, true);
  await advance(1);
  assert.equal(next.cached()?.fresh, false, 'stale at the TTL');
  assert.equal(next.cached()?.config?.sampleRate, 0.25, 'a stale config is still readable');
  assert.equal(new RemoteConfigLoader(env, 'https://t.test', 'other').cached(), null, 'cached per project');
});

test('a slow endpoint is waited for at most the bounded time; its late answer fills the cache', async () => {
  let release: (r: ConfigResponse) => void = () => undefined;
  const { env, advance } = fakeEnv(() => new Promise((r) => (release = r)));
  const loader = new RemoteConfigLoader(env, 'https://t.test', 'key');
  let result: Awaited<ReturnType<RemoteConfigLoader['load']>> | null = null;
  void loader.load(REMOTE_CONFIG_WAIT_MS).then((r) => (result = r));
  await advance(REMOTE_CONFIG_WAIT_MS - 1);
  assert.equal(result, null);
  await advance(1);
  assert.deepEqual(result, { config: null, source: 'none' });
  release({ ok: true, status: 200, json: () => Promise.resolve(SERVER_JSON) });
  await advance(0);
  assert.equal(loader.cached()?.fresh, true);
  assert.equal(loader.cached()?.config?.privacy, 'strict');
});

test('a failing endpoint falls back to the stale cache and is not waited for again soon', async () => {
  let fail = false;
  const { env, advance } = fakeEnv(() =>
    fail ? Promise.reject(new TypeError('Failed to fetch')) : ok(SERVER_JSON),
  );
  const loader = new RemoteConfigLoader(env, 'https://t.test', 'key');
  await loader.load(REMOTE_CONFIG_WAIT_MS);
  await advance(REMOTE_CONFIG_TTL_MS + 1);
  fail = true;
  const loaded = await loader.load(REMOTE_CONFIG_WAIT_MS);
  assert.equal(loaded.source, 'stale-cache');
  assert.equal(loaded.config?.privacy, 'strict');
  assert.equal(loader.cached()?.fresh, true, 'fresh again, for the failure TTL');
  await advance(REMOTE_CONFIG_FAILURE_TTL_MS);
  assert.equal(loader.cached()?.fresh, false);
  assert.equal(loader.cached()?.config?.privacy, 'strict', 'the last good config is kept');
});

test('errors, non-200 answers and bad JSON never reject and leave code/defaults', async () => {
  const answers: (() => Promise<ConfigResponse>)[] = [
    () => Promise.resolve({ ok: false, status: 401, json: () => Promise.resolve({ error: {} }) }),
    () => Promise.resolve({ ok: true, status: 200, json: () => Promise.reject(new SyntaxError('bad json')) }),
    () => ok('just a string'),
    () => Promise.reject(new Error('offline')),
  ];
  for (const answer of answers) {
    const { env } = fakeEnv(answer);
    const loader = new RemoteConfigLoader(env, 'https://t.test', 'key');
    assert.deepEqual(await loader.load(REMOTE_CONFIG_WAIT_MS), { config: null, source: 'none' });
    const cached = loader.cached();
    assert.deepEqual(cached, { config: null, fresh: true }, 'the failure is remembered briefly');
  }
});

test('a corrupt cache entry is ignored', () => {
  const { env } = fakeEnv(() => ok(SERVER_JSON));
  env.storage.setItem('tapedeck.config:https://t.test|key', '{"fetchedAt": "yesterday"}');
  assert.equal(new RemoteConfigLoader(env, 'https://t.test', 'key').cached(), null);
  env.storage.setItem('tapedeck.config:https://t.test|key', 'garbage');
  assert.equal(new RemoteConfigLoader(env, 'https://t.test', 'key').cached(), null);
  env.storage.setItem('tapedeck.config:https://t.test|key', JSON.stringify({ fetchedAt: 1_000_000, document: { privacy: 1 } }));
  assert.deepEqual(new RemoteConfigLoader(env, 'https://t.test', 'key').cached(), { config: {}, fresh: true });
});
