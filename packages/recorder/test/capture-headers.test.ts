import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterHeaders, headerAllowList, isNeverCapturedHeader, parseRawHeaders } from '../src/capture/headers';

test('Authorization, cookies and API-key-like headers are never kept, even when allowed', () => {
  const allowed = headerAllowList(['Authorization', 'Cookie', 'Set-Cookie', 'Proxy-Authorization', 'X-API-Key', 'X-Auth-Token', 'X-CSRF-Token', 'X-Session-Id', 'X-Client-Secret', 'X-Tenant']);
  const kept = filterHeaders(
    [
      ['Authorization', 'Bearer SECRET-TOKEN-123'],
      ['cookie', 'sid=abc'],
      ['Set-Cookie', 'sid=abc'],
      ['proxy-authorization', 'Basic eDp5'],
      ['x-api-key', 'k-1'],
      ['X-Auth-Token', 't-1'],
      ['x-csrf-token', 'c-1'],
      ['x-session-id', 's-1'],
      ['x-client-secret', 'z-1'],
      ['X-Tenant', 'acme'],
    ],
    allowed,
  );
  assert.deepEqual(kept, { 'x-tenant': 'acme' });
  for (const name of ['AUTHORIZATION', 'Cookie', 'set-cookie', 'X-Api-Key', 'apikey', 'x-xsrf-token']) {
    assert.equal(isNeverCapturedHeader(name), true, name);
  }
  assert.equal(isNeverCapturedHeader('content-type'), false);
});

test('only allow-listed headers are kept, names compared case-insensitively', () => {
  const kept = filterHeaders(
    new Headers({ 'Content-Type': 'application/json', 'X-Request-Id': 'r-1', 'X-Custom': 'no', Accept: 'text/html' }),
    headerAllowList(),
  );
  assert.deepEqual(kept, { 'content-type': 'application/json', 'x-request-id': 'r-1', accept: 'text/html' });
  assert.deepEqual(filterHeaders([['X-CUSTOM', 'yes']], headerAllowList(['x-custom'])), { 'x-custom': 'yes' });
  assert.equal(filterHeaders([['x-custom', 'no']], headerAllowList()), undefined);
});

test('kept header values are masked and repeated names joined', () => {
  const kept = filterHeaders(
    [
      ['x-debug', 'Bearer abc.def'],
      ['x-debug', 'second'],
    ],
    headerAllowList(['x-debug']),
  );
  assert.deepEqual(kept, { 'x-debug': 'Bearer [masked], second' });
});

test('raw XHR response headers are parsed', () => {
  assert.deepEqual(parseRawHeaders('content-type: text/plain\r\nx-request-id: a:b\r\n\r\n'), [
    ['content-type', 'text/plain'],
    ['x-request-id', 'a:b'],
  ]);
});
