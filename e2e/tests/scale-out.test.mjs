// Scale-out: two `tapedeck serve` nodes on one PostgreSQL database and one S3 bucket (s3s-fs,
// which checks signatures), sharing one master key. The batches of one session are spread over
// both nodes, several at once; the session is one intact recording, read the same through either
// node, its compaction runs exactly once, and the retention sweep is scheduled once. Needs `scripts/with-postgres.sh` and
// `scripts/with-s3.sh` around the test run (the Makefile does that); without them the test is
// skipped locally and fails under CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';

import { login, startServer } from '../lib/server.mjs';
import { poll } from '../lib/poll.mjs';

const PG = process.env.TAPEDECK_TEST_POSTGRES_URL;
const S3 = process.env.TAPEDECK_TEST_S3_ENDPOINT;
const required = process.env.CI || process.env.TAPEDECK_REQUIRE_POSTGRES || process.env.TAPEDECK_REQUIRE_S3;
const BATCHES = 40;

function psql(url, sql) {
  return execFileSync('psql', [url, '-tAc', sql], { encoding: 'utf8' }).trim();
}

/** A fresh database on the test cluster; returns its URL. */
function freshDatabase() {
  const name = `td_e2e_${randomBytes(6).toString('hex')}`;
  psql(PG, `CREATE DATABASE ${name}`);
  const url = new URL(PG);
  url.pathname = `/${name}`;
  return url.toString();
}

function batchBody(session, seq) {
  const t = 1_700_000_000_000 + seq * 500;
  const events = [];
  if (seq === 0) {
    events.push({ type: 4, timestamp: t, data: { href: 'https://nodes.test/', width: 800, height: 600 } });
    events.push({ type: 2, timestamp: t + 1, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } } });
  }
  events.push({ type: 5, timestamp: t + 2, data: { tag: 'node.marker', payload: { seq } } });
  return JSON.stringify({ session_id: session, window_id: 'w-1', seq, meta: { url: 'https://nodes.test/' }, events });
}

test('two nodes on one PostgreSQL and one bucket make one intact recording', { skip: !(PG && S3) && !required && 'needs TAPEDECK_TEST_POSTGRES_URL and TAPEDECK_TEST_S3_ENDPOINT' }, async () => {
  assert.ok(PG && S3, 'PostgreSQL and S3 test servers are required under CI');
  const database = freshDatabase();
  const prefix = `scale-out-${randomBytes(4).toString('hex')}`;
  const blobStore = `s3://${process.env.TAPEDECK_TEST_S3_BUCKET}/${prefix}?endpoint=${encodeURIComponent(S3)}&region=us-east-1&path_style=true`;
  const env = {
    TAPEDECK_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    AWS_ACCESS_KEY_ID: process.env.TAPEDECK_TEST_S3_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.TAPEDECK_TEST_S3_SECRET_ACCESS_KEY,
    TAPEDECK_SESSION_IDLE_SECS: '2',
  };
  const args = ['--database-url', database, '--blob-store', blobStore];
  const a = await startServer({ args, env });
  const b = await startServer({ args, env, owner: false });
  try {
    const session = `nodes-${Date.now()}`;
    const nodes = [a, b];
    // Four senders at once, each taking every fourth batch, alternating nodes.
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let seq = lane; seq < BATCHES; seq += 4) {
          const node = nodes[seq % 2];
          const response = await fetch(`${node.url}/api/v1/ingest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-tapedeck-project': a.ingestKey },
            body: batchBody(session, seq),
          });
          assert.equal(response.status, 200, `batch ${seq} via node ${seq % 2}: ${await response.text()}`);
        }
      }),
    );

    const read = async (node) => {
      const cookie = await login(node.url);
      const response = await fetch(`${node.url}/api/v1/sessions/${session}/events`, { headers: { cookie } });
      assert.equal(response.status, 200);
      const { events } = await response.json();
      return events.filter((e) => e.type === 5).map((e) => e.data.payload.seq);
    };
    const all = Array.from({ length: BATCHES }, (_, i) => i);
    assert.deepEqual(await read(a), all, 'node A reads every batch once, in order');
    assert.deepEqual(await read(b), all, 'node B reads the same');
    const cookie = await login(b.url);
    const meta = await (await fetch(`${b.url}/api/v1/sessions/${session}`, { headers: { cookie } })).json();
    assert.equal(meta.event_count, BATCHES + 2, 'no summary update was lost');

    // Both nodes run the worker; the session's compaction is claimed and done once.
    await poll('the session compacted', async () => psql(database, `SELECT count(*) FROM recordings WHERE session_id = '${session}'`) === '1', {
      timeoutMs: 60_000,
    });
    const runs = psql(database, `SELECT count(*) || ':' || coalesce(sum(attempts), 0) FROM jobs WHERE kind = 'compact' AND target = '${session}'`);
    assert.equal(runs, '1:1', 'one compaction job, one attempt');
    assert.deepEqual(await read(a), all, 'the compacted recording reads the same through A');
    assert.deepEqual(await read(b), all, 'and through B');
    assert.equal(psql(database, `SELECT count(*) FROM segments WHERE session_id = '${session}' AND compacted_at IS NULL`), '0', 'no live segment left');
    // Both nodes queued the retention sweep at start-up; one ran it, and one next run waits.
    await poll('one retention sweep waiting', async () =>
      psql(database, `SELECT count(*) FROM jobs WHERE kind = 'retention' AND done_at IS NULL AND claimed_by IS NULL AND run_after > ${Date.now()} + 3000000`) === '1',
    );
    assert.equal(psql(database, `SELECT count(*) FROM jobs WHERE kind = 'retention' AND done_at IS NULL`), '1', 'no second schedule');
  } finally {
    await b.stop();
    await a.stop();
  }
});
