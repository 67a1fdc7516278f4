// GDPR/CCPA from the command line, against the data dir of a running server: `tapedeck admin
// export-end-user` writes the same document as `GET /api/v1/end-users/{id}/data` (every session
// of that user, every event, no one else's), and `tapedeck admin erase-end-user` removes them,
// after which the API finds nothing of the user and the other user's session is intact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { login, startServer } from '../lib/server.mjs';

let server;
let cookie;
let outDir;

function tapedeck(args) {
  const bin = process.env.TAPEDECK_BIN ?? resolve(import.meta.dirname, '../../target/debug/tapedeck');
  const run = spawnSync(bin, [...args, '--data-dir', server.dataDir], { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } });
  assert.equal(run.status, 0, `tapedeck ${args.join(' ')} failed:\n${run.stderr}`);
  return run;
}

/** Posts one batch of `user`'s session: a meta event, a full snapshot, a marker. */
async function ingest(session, user, seq = 0) {
  const t = Date.now() + seq;
  const events = [
    { type: 4, timestamp: t, data: { href: 'https://shop.test/', width: 800, height: 600 } },
    { type: 2, timestamp: t + 1, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } } },
    { type: 5, timestamp: t + 2, data: { tag: 'gdpr.marker', payload: { session, user } } },
  ];
  const body = JSON.stringify({ session_id: session, window_id: 'w-1', seq, meta: { url: 'https://shop.test/', user: { id: user } }, events });
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey },
    body,
  });
  assert.equal(response.status, 200, await response.text());
}

/** Session id → marker payloads, from an end-user document. */
function markers(doc) {
  const found = {};
  for (const org of doc.organizations) {
    for (const { session, windows } of org.sessions) {
      found[session.id] = windows.flatMap((w) => w.events.filter((e) => e.type === 5).map((e) => e.data.payload.user));
    }
  }
  return found;
}

async function apiExport(user) {
  const response = await fetch(`${server.url}/api/v1/end-users/${user}/data`, { headers: { cookie } });
  assert.equal(response.status, 200);
  return response.json();
}

before(async () => {
  server = await startServer();
  cookie = await login(server.url);
  outDir = mkdtempSync(join(tmpdir(), 'tapedeck-gdpr-'));
  await ingest('gdpr-ada-1', 'u-ada');
  await ingest('gdpr-ada-1', 'u-ada', 1);
  await ingest('gdpr-ada-2', 'u-ada');
  await ingest('gdpr-bob-1', 'u-bob');
});

after(async () => {
  await server?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('the CLI export of an end user equals the API answer and holds only their sessions', async () => {
  const file = join(outDir, 'ada.json');
  const run = tapedeck(['admin', 'export-end-user', '--user-id', 'u-ada', '-o', file]);
  assert.match(run.stdout, /Exported 2 session\(s\)/);
  assert.match(run.stderr, /wrote session 2\/2/, 'progress on stderr');
  const fromCli = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(fromCli.format, 'tapedeck.end-user-data');
  assert.deepEqual(markers(fromCli), { 'gdpr-ada-1': ['u-ada', 'u-ada'], 'gdpr-ada-2': ['u-ada'] });
  const fromApi = await apiExport('u-ada');
  assert.deepEqual(markers(fromApi), markers(fromCli));
  assert.ok(!readFileSync(file, 'utf8').includes('u-bob'));
});

test('the CLI erasure removes the end user everywhere the API looks, and no one else', async () => {
  const run = tapedeck(['admin', 'erase-end-user', '--user-id', 'u-ada']);
  assert.match(run.stdout, /Erased 2 session\(s\)/);
  for (const id of ['gdpr-ada-1', 'gdpr-ada-2']) {
    const response = await fetch(`${server.url}/api/v1/sessions/${id}`, { headers: { cookie } });
    assert.equal(response.status, 404, id);
  }
  assert.deepEqual(markers(await apiExport('u-ada')), {});
  assert.deepEqual(markers(await apiExport('u-bob')), { 'gdpr-bob-1': ['u-bob'] });
});
