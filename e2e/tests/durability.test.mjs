// Durability: recorders post batches at full speed, the server is killed with SIGKILL in the
// middle of it, and after a restart every batch it acknowledged is there and the sessions
// replay (their events come back in order, starting with a full snapshot). Then the recorders
// resend what was never acknowledged, as the SDK does, and nothing is missing or doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { login, startServer } from '../lib/server.mjs';

const RECORDERS = 6;
const LOAD_MS = 1_500;

function batchBody(session, seq) {
  const t = 1_700_000_000_000 + seq * 1_000;
  const events = [];
  if (seq === 0) {
    events.push({ type: 4, timestamp: t, data: { href: 'https://crash.test/', width: 800, height: 600 } });
    events.push({ type: 2, timestamp: t + 1, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } } });
  }
  events.push({ type: 5, timestamp: t + 2, data: { tag: 'crash.marker', payload: { session, seq } } });
  // Some bulk, so a write takes long enough to be cut by the kill.
  events.push({ type: 3, timestamp: t + 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: 1, nextId: null, node: { type: 3, id: 2 + seq, textContent: 'x'.repeat(20_000) } }] } });
  return JSON.stringify({ session_id: session, window_id: 'w-1', seq, meta: { url: 'https://crash.test/' }, events });
}

async function post(server, session, seq) {
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey },
    body: batchBody(session, seq),
  });
  const body = await response.json();
  return response.ok && (body.status === 'stored' || body.status === 'duplicate');
}

/** Posts seq 0, 1, 2 … until `until()`; returns the seqs the server acknowledged. */
async function recorder(server, session, until) {
  const acked = [];
  for (let seq = 0; !until(); seq++) {
    try {
      if (await post(server, session, seq)) acked.push(seq);
      else return { acked, sent: seq + 1 };
    } catch {
      return { acked, sent: seq + 1 }; // the connection died with the server
    }
  }
  return { acked, sent: acked.length };
}

async function markers(server, cookie, session) {
  const response = await fetch(`${server.url}/api/v1/sessions/${session}/events`, { headers: { cookie } });
  assert.equal(response.status, 200, `events of ${session}`);
  const { events } = await response.json();
  assert.equal(events[0].type, 4, 'a replay starts with the meta event');
  assert.equal(events[1].type, 2, 'then the full snapshot');
  const times = events.map((e) => e.timestamp);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'events are in time order');
  return events.filter((e) => e.type === 5 && e.data.tag === 'crash.marker').map((e) => e.data.payload.seq);
}

test('every acknowledged batch survives kill -9 and the sessions replay', async () => {
  const server = await startServer();
  try {
    let killed = false;
    const sessions = Array.from({ length: RECORDERS }, (_, i) => `crash-${i}-${Date.now()}`);
    const running = sessions.map((s) => recorder(server, s, () => killed));
    await new Promise((r) => setTimeout(r, LOAD_MS));
    killed = true;
    await server.kill();
    const results = await Promise.all(running);
    const acked = results.reduce((n, r) => n + r.acked.length, 0);
    assert.ok(acked >= RECORDERS * 2, `the load got going (${acked} batches acknowledged)`);

    await server.start();
    const cookie = await login(server.url);
    for (const [i, session] of sessions.entries()) {
      const seqs = new Set(await markers(server, cookie, session));
      for (const seq of results[i].acked) assert.ok(seqs.has(seq), `acknowledged batch ${session}#${seq} is stored`);
    }

    // The recorders' retries: everything sent but not acknowledged goes again.
    for (const [i, session] of sessions.entries()) {
      for (let seq = 0; seq < results[i].sent; seq++) {
        if (!results[i].acked.includes(seq)) assert.ok(await post(server, session, seq), `retry ${session}#${seq}`);
      }
      const seqs = await markers(server, cookie, session);
      assert.deepEqual(seqs, Array.from({ length: results[i].sent }, (_, s) => s), `${session} is complete, once each`);
    }
  } finally {
    await server.stop();
  }
});
