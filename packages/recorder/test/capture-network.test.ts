import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NETWORK_BODY_DEFAULT_MAX_BYTES } from '../src/config';
import { capBody, isRecorderRequest, isTextContentType, resolveNetworkCapture, wrapFetch, type NetworkContext, type NetworkEvent } from '../src/capture/network';

const ENDPOINT = 'https://tapedeck.example.com';

function context(option: unknown = true, clock = { t: 1_000 }) {
  const events: NetworkEvent[] = [];
  const config = resolveNetworkCapture(option);
  assert.ok(config !== null);
  const ctx: NetworkContext = {
    config,
    endpoint: ENDPOINT,
    baseUrl: () => 'https://app.example.com/page',
    now: () => clock.t,
    active: () => true,
    emit: (event) => events.push(event),
  };
  return { ctx, events, clock };
}

/** Resolves once `events` holds `count` events (response bodies are read asynchronously). */
async function until(events: NetworkEvent[], count: number): Promise<void> {
  for (let i = 0; i < 100 && events.length < count; i += 1) await new Promise((r) => setTimeout(r, 1));
  assert.equal(events.length, count);
}

test('capture is off unless asked for; the object form is checked', () => {
  assert.equal(resolveNetworkCapture(undefined), null);
  assert.equal(resolveNetworkCapture(false), null);
  assert.equal(resolveNetworkCapture(true)?.maxBodyBytes, NETWORK_BODY_DEFAULT_MAX_BYTES);
  const config = resolveNetworkCapture({ allowHeaders: ['X-Tenant', 'Authorization', 3], bodyUrls: ['/api/', /x$/, 5], maxBodyBytes: 1e12 });
  assert.ok(config?.allowedHeaders.has('x-tenant'));
  assert.equal(config?.allowedHeaders.has('authorization'), false);
  assert.equal(config?.bodyUrls.length, 2);
  assert.equal(config?.maxBodyBytes, 256 * 1024);
});

test("the recorder's own requests are recognised", () => {
  assert.equal(isRecorderRequest(`${ENDPOINT}/api/v1/ingest`, ENDPOINT), true);
  assert.equal(isRecorderRequest(`${ENDPOINT}/api/v1/ingest?project=k`, ENDPOINT), true);
  assert.equal(isRecorderRequest(`${ENDPOINT}/api/v1/recorder-config?project=k`, ENDPOINT), true);
  assert.equal(isRecorderRequest('https://TAPEDECK.example.com/api/v1/ingest', 'https://TAPEDECK.example.com'), true);
  assert.equal(isRecorderRequest(`${ENDPOINT}/api/v1/sessions`, ENDPOINT), false);
  assert.equal(isRecorderRequest('https://other.example.com/api/v1/ingest', ENDPOINT), false);
});

test('the wrapper returns the original promise itself and records status, timing and allowed headers', async () => {
  const { ctx, events, clock } = context();
  const response = new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json', 'set-cookie': 'sid=1', 'x-request-id': 'r-1' } });
  let seen: unknown[] = [];
  const promise = Promise.resolve(response);
  const fake = function (this: unknown, ...args: unknown[]) {
    seen = [this, ...args];
    clock.t += 40;
    return promise;
  } as unknown as typeof fetch;
  const wrapped = wrapFetch(fake, ctx);
  const init = { method: 'post', headers: { Authorization: 'Bearer SECRET-TOKEN-123', 'Content-Type': 'text/plain', 'X-Api-Key': 'k' }, body: 'hello' };
  const returned = wrapped.call('self', '/api/x?token=abc&q=1', init);
  assert.equal(returned, promise, 'the same promise object');
  assert.deepEqual(seen, ['self', '/api/x?token=abc&q=1', init], 'same this and arguments');
  assert.equal(await returned, response);
  await until(events, 1);
  const [event] = events;
  assert.deepEqual(event, {
    kind: 'fetch',
    method: 'POST',
    url: 'https://app.example.com/api/x?token=[masked]&q=1',
    status: 201,
    ok: true,
    start: 1_000,
    duration_ms: 40,
    request_size: 5,
    request_headers: { 'content-type': 'text/plain' },
    response_headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
  });
  assert.ok(!JSON.stringify(events).includes('SECRET-TOKEN-123'));
  assert.equal(await response.text(), '{"ok":true}', "the caller's body is untouched");
});

test('a network failure is recorded with status 0 and the same rejection reaches the caller', async () => {
  const { ctx, events } = context();
  const failure = new TypeError('Failed to fetch');
  const wrapped = wrapFetch((() => Promise.reject(failure)) as unknown as typeof fetch, ctx);
  await assert.rejects(wrapped('https://api.example.com/down'), (error) => error === failure);
  await until(events, 1);
  assert.equal(events[0].status, 0);
  assert.equal(events[0].ok, false);
  assert.equal(events[0].error, 'TypeError: Failed to fetch');
});

test('a synchronous exception of the original is thrown unchanged and nothing is recorded', () => {
  const { ctx, events } = context();
  const illegal = new TypeError('Illegal invocation');
  const wrapped = wrapFetch((() => {
    throw illegal;
  }) as unknown as typeof fetch, ctx);
  assert.throws(() => wrapped('/x'), (error) => error === illegal);
  assert.equal(events.length, 0);
});

test('bodies are captured only for allowed URLs, masked and capped', async () => {
  const { ctx, events } = context({ bodyUrls: ['/api/'], maxBodyBytes: 32 });
  const big = JSON.stringify({ password: 'hunter2', filler: 'f'.repeat(100) });
  const fake = (() => Promise.resolve(new Response(big, { headers: { 'content-type': 'application/json' } }))) as unknown as typeof fetch;
  const wrapped = wrapFetch(fake, ctx);
  const response = await wrapped('https://app.example.com/api/login', { method: 'POST', body: '{"password":"hunter2"}' });
  await until(events, 1);
  assert.equal(events[0].request_body, '{"password":"[masked]"}');
  assert.equal(events[0].response_body, '{"password":"[masked]","filler":');
  assert.equal(events[0].truncated, true);
  assert.equal(await response.text(), big, 'the caller still reads the whole body');

  await wrapped('https://app.example.com/other', { method: 'POST', body: 'not captured' });
  await until(events, 2);
  assert.equal(events[1].request_body, undefined);
  assert.equal(events[1].response_body, undefined);
  assert.equal(events[1].request_size, 12);
});

test('binary responses are not captured as bodies', async () => {
  const { ctx, events } = context({ bodyUrls: [/./] });
  const fake = (() => Promise.resolve(new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'image/png', 'content-length': '3' } }))) as unknown as typeof fetch;
  await wrapFetch(fake, ctx)('https://app.example.com/a.png');
  await until(events, 1);
  assert.equal(events[0].response_body, undefined);
  assert.equal(events[0].response_size, 3);
  assert.equal(isTextContentType('application/vnd.api+json; charset=utf-8'), true);
  assert.equal(isTextContentType(null), false);
});

test("requests to the Tapedeck endpoint pass through uncaptured", async () => {
  const { ctx, events } = context();
  const wrapped = wrapFetch((() => Promise.resolve(new Response('{}'))) as unknown as typeof fetch, ctx);
  await wrapped(`${ENDPOINT}/api/v1/ingest`, { method: 'POST', body: '{}' });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(events.length, 0);
});

test('capBody cuts at a UTF-8 byte boundary', () => {
  assert.deepEqual(capBody('short', 10), { body: 'short', truncated: false });
  assert.deepEqual(capBody('ééééé', 5), { body: 'éé', truncated: true });
});
