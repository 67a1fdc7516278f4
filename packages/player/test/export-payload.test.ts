import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { base64ToBytes, decodeExportPayload, EXPORT_PAYLOAD_ENCODING } from '../src/export-payload.ts';

const windows = [
  { window_id: 'w-1', events: [{ type: 4, timestamp: 1, data: { href: 'https://a.test/<\/script>', width: 1, height: 1 } }] },
  { window_id: 'w-2', events: [] },
];

function encode(value: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(value))).toString('base64');
}

test('decodes the windows the server encoded', async () => {
  const text = encode(windows);
  // The server wraps the base64 text in lines; whitespace is ignored.
  const wrapped = text.replace(/(.{76})/g, '$1\n');
  assert.deepEqual(await decodeExportPayload(wrapped, EXPORT_PAYLOAD_ENCODING), windows);
});

test('base64 decoding matches Node', () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
  assert.deepEqual(Array.from(base64ToBytes(bytes.toString('base64'))), Array.from(bytes));
});

test('refuses an unknown encoding, damaged bytes and the wrong shape with a sentence', async () => {
  await assert.rejects(decodeExportPayload(encode(windows), 'brotli'), /cannot read/);
  const damaged = Buffer.from(encode(windows), 'base64').subarray(0, 20).toString('base64');
  await assert.rejects(decodeExportPayload(damaged, EXPORT_PAYLOAD_ENCODING), /damaged/);
  await assert.rejects(decodeExportPayload(encode({ events: [] }), EXPORT_PAYLOAD_ENCODING), /list of windows/);
  await assert.rejects(decodeExportPayload(encode([{ window_id: 1, events: [] }]), EXPORT_PAYLOAD_ENCODING), /list of windows/);
});
