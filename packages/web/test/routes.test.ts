import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRoute, parseStartTime, safeNextPath, sessionPath, userPath } from '../src/routes.ts';

test('matches the app routes', () => {
  assert.deepEqual(matchRoute('/'), { name: 'sessions' });
  assert.deepEqual(matchRoute('/login'), { name: 'login' });
  assert.deepEqual(matchRoute('/login/'), { name: 'login' });
  assert.deepEqual(matchRoute('/setup'), { name: 'setup' });
  assert.deepEqual(matchRoute('/sessions/0193abc-def'), { name: 'session', id: '0193abc-def' });
  assert.deepEqual(matchRoute('/sessions/0193abc/'), { name: 'session', id: '0193abc' });
  assert.deepEqual(matchRoute('/sessions/a%20b'), { name: 'session', id: 'a b' });
});

test('anything else is not found', () => {
  for (const path of ['/sessions', '/sessions/', '/sessions/a/b', '/sessions/a%2Fb', '/sessions/%E0%A4%A', '/nope', '/loginx']) {
    assert.deepEqual(matchRoute(path), { name: 'not-found' }, path);
  }
});

test('sessionPath encodes the id and keeps t and embed', () => {
  assert.equal(sessionPath('abc'), '/sessions/abc');
  assert.equal(sessionPath('a/b'), '/sessions/a%2Fb');
  assert.equal(sessionPath('abc', { t: 1500.4, embed: true }), '/sessions/abc?t=1500&embed=1');
  assert.equal(sessionPath('abc', { t: 0, window: 'w 2' }), '/sessions/abc?t=0&window=w+2');
});

test('safeNextPath only allows local paths', () => {
  assert.equal(safeNextPath('/sessions/1?t=5'), '/sessions/1?t=5');
  assert.equal(safeNextPath(null), '/');
  assert.equal(safeNextPath(''), '/');
  assert.equal(safeNextPath('https://evil.example'), '/');
  assert.equal(safeNextPath('//evil.example'), '/');
  assert.equal(safeNextPath('/\\evil.example'), '/');
  assert.equal(safeNextPath('javascript:alert(1)'), '/');
});

test('parseStartTime accepts non-negative milliseconds only', () => {
  assert.equal(parseStartTime('1500'), 1500);
  assert.equal(parseStartTime('1500.9'), 1500);
  assert.equal(parseStartTime(null), 0);
  assert.equal(parseStartTime('-4'), 0);
  assert.equal(parseStartTime('abc'), 0);
});

test('settings routes', () => {
  assert.deepEqual(matchRoute('/settings/projects'), { name: 'settings', section: 'projects' });
  assert.deepEqual(matchRoute('/settings/projects/'), { name: 'settings', section: 'projects' });
  assert.deepEqual(matchRoute('/settings'), { name: 'settings', section: 'projects' });
  assert.deepEqual(matchRoute('/settings/members'), { name: 'settings', section: 'members' });
});

test('end-user pages: any id, slashes escaped', () => {
  assert.deepEqual(matchRoute('/users/u-42'), { name: 'user', userId: 'u-42' });
  assert.deepEqual(matchRoute('/users/ada%40example.com/'), { name: 'user', userId: 'ada@example.com' });
  assert.deepEqual(matchRoute('/users/a%2Fb'), { name: 'user', userId: 'a/b' });
  assert.deepEqual(matchRoute('/users'), { name: 'not-found' });
  assert.deepEqual(matchRoute('/users/a/b'), { name: 'not-found' });
  assert.equal(userPath('a/b c'), '/users/a%2Fb%20c');
  assert.equal(userPath('u1', 'has_errors=true'), '/users/u1?has_errors=true');
});
