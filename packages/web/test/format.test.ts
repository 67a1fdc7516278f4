import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserLabel, formatCount, formatDuration, formatOffset, relativeTime, splitUrl, userLabel } from '../src/format.ts';

test('formatDuration shows m:ss under an hour and h:mm:ss after', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(5.4), '0:05');
  assert.equal(formatDuration(190), '3:10');
  assert.equal(formatDuration(3599), '59:59');
  assert.equal(formatDuration(3600), '1:00:00');
  assert.equal(formatDuration(3600 * 2 + 61), '2:01:01');
});

test('formatDuration reads missing or bad durations as zero', () => {
  assert.equal(formatDuration(null), '0:00');
  assert.equal(formatDuration(undefined), '0:00');
  assert.equal(formatDuration(-3), '0:00');
  assert.equal(formatDuration(Number.NaN), '0:00');
});

test('splitUrl separates host from path, query and hash', () => {
  assert.deepEqual(splitUrl('https://shop.example.com/cart?step=2#pay'), { host: 'shop.example.com', path: '/cart?step=2#pay' });
  assert.deepEqual(splitUrl('http://127.0.0.1:7070/'), { host: '127.0.0.1:7070', path: '/' });
  assert.deepEqual(splitUrl('https://example.com'), { host: 'example.com', path: '/' });
});

test('splitUrl keeps non-URLs whole', () => {
  assert.deepEqual(splitUrl('not a url'), { host: '', path: 'not a url' });
  assert.deepEqual(splitUrl('about:blank'), { host: '', path: 'about:blank' });
  assert.deepEqual(splitUrl(null), { host: '', path: '' });
  assert.deepEqual(splitUrl(''), { host: '', path: '' });
});

test('relativeTime speaks in the largest sensible unit', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const ago = (ms: number) => relativeTime(new Date(now.getTime() - ms), now);
  assert.equal(ago(10_000), 'just now');
  assert.equal(ago(-60_000), 'just now', 'a clock slightly ahead is not "in the future"');
  assert.equal(ago(60_000), '1 min ago');
  assert.equal(ago(5 * 60_000), '5 min ago');
  assert.equal(ago(59 * 60_000), '59 min ago');
  assert.equal(ago(3 * 3_600_000), '3 h ago');
  assert.equal(ago(30 * 3_600_000), 'yesterday');
  assert.equal(ago(3 * 86_400_000), '3 days ago');
  assert.equal(ago(65 * 86_400_000), '2 months ago');
  assert.equal(ago(400 * 86_400_000), '1 year ago');
  assert.equal(relativeTime(new Date('nonsense'), now), '');
});

test('userLabel falls back from email to name to id to Anonymous', () => {
  assert.equal(userLabel({ user_email: 'a@b.c', user_name: 'Ann', user_id: 'u1' }), 'a@b.c');
  assert.equal(userLabel({ user_email: null, user_name: 'Ann', user_id: 'u1' }), 'Ann');
  assert.equal(userLabel({ user_email: '', user_name: null, user_id: 'u1' }), 'u1');
  assert.equal(userLabel({}), 'Anonymous');
});

test('browserLabel joins the parts that are known', () => {
  assert.equal(browserLabel({ browser: 'Chrome', browser_version: '131.0.6778', os: 'Linux' }), 'Chrome 131 · Linux');
  assert.equal(browserLabel({ browser: 'Firefox', browser_version: null, os: null }), 'Firefox');
  assert.equal(browserLabel({ browser: null, browser_version: '1.0', os: 'macOS' }), 'macOS');
  assert.equal(browserLabel({}), '—');
});

test('formatCount groups thousands', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(null), '—');
});

test('formatOffset adds tenths to the player clock', () => {
  assert.equal(formatOffset(0), '0:00.0');
  assert.equal(formatOffset(4250), '0:04.2');
  assert.equal(formatOffset(61_999), '1:01.9');
  assert.equal(formatOffset(3_600_000 + 500), '1:00:00.5');
  assert.equal(formatOffset(-5), '0:00.0');
  assert.equal(formatOffset(Number.NaN), '0:00.0');
});
