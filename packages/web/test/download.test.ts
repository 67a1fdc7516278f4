import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportUrl, filenameFromDisposition, progressLabel } from '../src/download.ts';

test('the file name comes from Content-Disposition, never with a path', () => {
  assert.equal(filenameFromDisposition('attachment; filename="tapedeck-s1.html"', 'x'), 'tapedeck-s1.html');
  assert.equal(filenameFromDisposition('attachment; filename="../etc/passwd"', 'fallback.html'), 'fallback.html');
  assert.equal(filenameFromDisposition(null, 'fallback.tapedeck'), 'fallback.tapedeck');
});

test('progress reads as a percentage when the length is known, in bytes otherwise', () => {
  assert.equal(progressLabel({ phase: 'preparing' }), 'Preparing export…');
  assert.equal(progressLabel({ phase: 'downloading', received: 512, total: 1024 }), 'Downloading 50%');
  assert.equal(progressLabel({ phase: 'downloading', received: 2048, total: 1024 }), 'Downloading 100%');
  assert.equal(progressLabel({ phase: 'downloading', received: 3 * 1024 * 1024, total: null }), 'Downloading 3.0 MB');
});

test('export URLs escape the session id', () => {
  assert.equal(exportUrl('a/b', 'html'), '/api/v1/sessions/a%2Fb/export?format=html');
});
