import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRoute, settingsPath, tokenFromHash } from '../src/routes.ts';
import { keyState, rateLimitLabel, sortKeys, type IngestKey } from '../src/settings/ingest-keys.ts';
import { chooseOrganization, roleIn } from '../src/settings/organization.ts';
import { checkEmail, checkName, checkNewPassword, isGraceHours, parseRateLimit } from '../src/settings/validation.ts';

test('settings sections and the public invitation and reset pages', () => {
  assert.deepEqual(matchRoute('/settings'), { name: 'settings', section: 'projects' });
  assert.deepEqual(matchRoute('/settings/projects'), { name: 'settings', section: 'projects' });
  assert.deepEqual(matchRoute('/settings/api-keys/'), { name: 'settings', section: 'api-keys' });
  assert.deepEqual(matchRoute('/settings/audit'), { name: 'settings', section: 'audit' });
  assert.deepEqual(matchRoute('/settings/nope'), { name: 'not-found' });
  assert.deepEqual(matchRoute('/invite'), { name: 'invite' });
  assert.deepEqual(matchRoute('/reset-password'), { name: 'reset-password' });
  assert.equal(settingsPath('members'), '/settings/members');
  assert.equal(settingsPath('audit', 'o 1'), '/settings/audit?org=o+1');
});

test('one-time tokens come from the hash', () => {
  assert.equal(tokenFromHash('#abc123'), 'abc123');
  assert.equal(tokenFromHash('#token=abc%2B1'), 'abc+1');
  assert.equal(tokenFromHash(''), '');
  assert.equal(tokenFromHash('#%E0%A4%A'), '%E0%A4%A', 'a malformed escape is kept as typed');
});

test('new passwords: length and confirmation', () => {
  assert.equal(checkNewPassword('short', 'short'), 'Choose a password of at least 8 characters.');
  assert.equal(checkNewPassword('long enough', 'long enough!'), 'The two passwords do not match.');
  assert.equal(checkNewPassword('long enough', 'long enough'), null);
  assert.equal(checkNewPassword('ünïcödé', 'ünïcödé'), 'Choose a password of at least 8 characters.', 'characters, not bytes');
  assert.match(checkNewPassword('x'.repeat(1025), 'x'.repeat(1025)) ?? '', /at most 1024/);
});

test('emails and names', () => {
  assert.equal(checkEmail(' ada@example.com '), null);
  assert.match(checkEmail('') ?? '', /Enter an email/);
  assert.match(checkEmail('ada@example') ?? '', /valid email/);
  assert.match(checkEmail('a da@example.com') ?? '', /valid email/);
  assert.equal(checkName(' CI export ', 100), null);
  assert.equal(checkName('   ', 100, 'a name'), 'Enter a name.');
  assert.match(checkName('x'.repeat(101), 100) ?? '', /100 characters/);
  assert.match(checkName('bad\u0007name', 100, 'a name') ?? '', /^A name may not contain control/);
});

test('rate limits and grace periods', () => {
  assert.deepEqual(parseRateLimit(''), { value: null });
  assert.deepEqual(parseRateLimit(' 1,200 '), { value: 1200 });
  assert.deepEqual(parseRateLimit('1000000'), { value: 1_000_000 });
  assert.ok('error' in parseRateLimit('0'));
  assert.ok('error' in parseRateLimit('1000001'));
  assert.ok('error' in parseRateLimit('12.5'));
  assert.ok('error' in parseRateLimit('-3'));
  assert.equal(isGraceHours(0), true);
  assert.equal(isGraceHours(720), true);
  assert.equal(isGraceHours(721), false);
  assert.equal(isGraceHours(1.5), false);
});

test('ingest key states and order', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const key = (id: string, primary: boolean, created: string, retires: string | null): IngestKey => ({
    id,
    key: `tdp_${id}`,
    primary,
    created_at: created,
    retires_at: retires,
    rate_limit_per_minute: null,
  });
  const primary = key('p', true, '2026-12-02T10:00:00Z', null);
  const retiring = key('r', false, '2026-12-01T10:00:00Z', '2026-12-03T10:00:00Z');
  const retired = key('x', false, '2026-11-01T10:00:00Z', '2026-12-02T11:59:59Z');
  assert.deepEqual(keyState(primary, now), { kind: 'primary' });
  assert.deepEqual(keyState(retiring, now), { kind: 'retiring', at: '2026-12-03T10:00:00Z' });
  assert.deepEqual(keyState(retired, now), { kind: 'retired', at: '2026-12-02T11:59:59Z' });
  assert.deepEqual(sortKeys([retired, retiring, primary], now).map((k) => k.id), ['p', 'r', 'x']);
  assert.equal(rateLimitLabel(null), 'Server default');
  assert.equal(rateLimitLabel(12000), '12,000 batches/min');
});

test('the organization comes from ?org= when the user belongs to it', () => {
  const orgs = [
    { id: 'a', name: 'A', role: 'owner' },
    { id: 'b', name: 'B', role: 'viewer' },
  ];
  assert.equal(chooseOrganization(orgs, 'b')?.id, 'b');
  assert.equal(chooseOrganization(orgs, 'zz')?.id, 'a', 'a foreign id falls back to the first');
  assert.equal(chooseOrganization(orgs, null)?.id, 'a');
  assert.equal(chooseOrganization([], 'a'), null);
  assert.equal(roleIn(orgs[1] ?? null), 'viewer');
  assert.equal(roleIn(null), null);
});
