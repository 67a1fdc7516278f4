import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, encodeBatch } from '../src/batcher';
import { CHUNK_TAG, serializeEvent, sliceJson, type ChunkPayload } from '../src/chunker';
import { MAX_BATCH_BYTES, MAX_EVENT_CHUNK_BYTES } from '../src/config';

const fillRandom = (bytes: Uint8Array) => bytes.fill(7);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface ChunkEvent {
  type: number;
  timestamp: number;
  data: { tag: string; payload: ChunkPayload };
}

/** A full snapshot of a page with ~3 MB of text: unicode, emoji, quotes, backslashes, newlines. */
function hugeSnapshot() {
  const text = 'Grüße "quoted" \\ back\\slash \n naïve 日本語テキスト 🎉👩‍💻 '.repeat(60_000);
  return {
    type: 2,
    timestamp: 1_700_000_000_123,
    data: { node: { type: 0, childNodes: [{ type: 3, textContent: text, id: 5 }], id: 1 }, initialOffset: { top: 0, left: 0 } },
  };
}

test('a small event is one piece, its plain JSON', () => {
  const event = { type: 3, timestamp: 5, data: { source: 2, type: 2, id: 9 } };
  assert.deepEqual(serializeEvent(event, fillRandom), [JSON.stringify(event)]);
});

test('a huge event splits into chunk events that join back to its JSON', () => {
  const event = hugeSnapshot();
  const json = JSON.stringify(event);
  assert.ok(json.length > 5 * MAX_EVENT_CHUNK_BYTES);
  const pieces = serializeEvent(event, fillRandom);
  const chunks = pieces.map((piece) => JSON.parse(piece) as ChunkEvent);
  assert.ok(chunks.length >= 6);
  chunks.forEach((chunk, index) => {
    assert.equal(chunk.type, 5);
    assert.equal(chunk.timestamp, event.timestamp);
    assert.equal(chunk.data.tag, CHUNK_TAG);
    assert.equal(chunk.data.payload.index, index);
    assert.equal(chunk.data.payload.count, chunks.length);
    assert.equal(chunk.data.payload.type, 2);
    assert.equal(chunk.data.payload.id, chunks[0].data.payload.id);
    assert.match(chunk.data.payload.id, /^c-[0-9a-f]{16}$/);
  });
  const joined = chunks.map((chunk) => chunk.data.payload.data).join('');
  assert.equal(joined, json);
  assert.deepEqual(JSON.parse(joined), event);
  for (const piece of pieces) {
    assert.ok(piece.length <= MAX_EVENT_CHUNK_BYTES, `a chunk of ${piece.length} units`);
    assert.ok(!/\\ud[89ab]/i.test(piece), 'no slice splits a surrogate pair');
  }
});

test('slices never split surrogate pairs, even at tiny budgets', () => {
  const json = JSON.stringify({ s: '😀a😀"😀\\' });
  for (let budget = 2; budget < 12; budget++) {
    const slices = sliceJson(json, budget);
    assert.equal(slices.join(''), json);
    for (const slice of slices) {
      assert.ok(JSON.stringify(slice).length - 2 <= Math.max(budget, 2), `budget ${budget}: ${slice}`);
      assert.ok(!LONE_SURROGATE.test(slice), `budget ${budget}: lone surrogate in ${JSON.stringify(slice)}`);
    }
  }
});

test('chunks go one per batch, in order, after what was waiting; every batch stays under the cap', () => {
  const batcher = new Batcher();
  const sealed = [
    ...batcher.addPieces(serializeEvent({ type: 3, timestamp: 1, data: { source: 2 } }, fillRandom), 1),
    ...batcher.addPieces(serializeEvent(hugeSnapshot(), fillRandom), 2),
    ...batcher.addPieces(serializeEvent({ type: 3, timestamp: 3, data: { source: 2 } }, fillRandom), 3),
  ];
  const last = batcher.seal();
  const batches = [...sealed, ...(last === null ? [] : [last])];
  const bodies = batches.map((b, seq) => encodeBatch({ session_id: 's', window_id: 'w', seq, meta: {} as never }, b.events));
  const parsed = bodies.map((body) => JSON.parse(body) as { seq: number; events: Array<{ timestamp: number; type: number }> });
  assert.equal(parsed[0].events[0].timestamp, 1, 'the waiting event goes first');
  const chunkBatches = parsed.slice(1, -1);
  assert.ok(chunkBatches.every((b) => b.events.length === 1 && b.events[0].type === 5));
  assert.deepEqual(
    chunkBatches.map((b) => (b.events[0] as unknown as ChunkEvent).data.payload.index),
    chunkBatches.map((_, i) => i),
  );
  assert.equal(parsed.at(-1)?.events[0].timestamp, 3, 'the next event follows the chunks');
  for (const body of bodies) assert.ok(body.length <= MAX_BATCH_BYTES + 1_024, `a body of ${body.length}`);
});

test('an ordinary batch never grows past the size limit with events below the chunk limit', () => {
  const batcher = new Batcher();
  const event = JSON.stringify({ type: 3, timestamp: 1, data: { text: 'x'.repeat(300 * 1024) } });
  const sealed = [...batcher.add(event, 0), ...batcher.add(event, 0), ...batcher.add(event, 0)];
  for (const batch of sealed) assert.ok(batch.bytes <= MAX_BATCH_BYTES);
});
