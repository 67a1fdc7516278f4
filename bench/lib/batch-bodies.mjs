/**
 * Ingest bodies for many simulated recorders from a few template batches, without gzipping each
 * request (at thousands of requests a second that alone would take a core of the 2 the server
 * and the client share).
 *
 * A body is the template batch with its own `session_id`, `window_id` and `seq`, compressed as
 * the SDK sends it: gzip when the JSON is 1 KiB or more (`MIN_COMPRESS_BYTES` in
 * packages/recorder/src/config.ts), plain JSON below. The gzip member is built by hand: the
 * ids go first, in a *stored* deflate block (byte-aligned, not final), followed by the template's
 * `"meta":…,"events":[…]}` deflated once at level 6 (a fresh stream references nothing before it,
 * so the two concatenate into one valid deflate stream), then the CRC-32 and size of the whole
 * text. The decoded body is byte for byte the JSON the SDK would send; on the wire it is a few
 * bytes larger than gzip of the whole (the ids are not compressed).
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** Bodies under this many bytes go uncompressed, as the SDK sends them. */
export const MIN_COMPRESS_BYTES = 1024;
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** Prepares one template batch (`{session_id, window_id, seq, meta?, events}`): what every body of it shares. */
export function prepareTemplate(batch) {
  const { session_id: _s, window_id: _w, seq: _q, ...rest } = batch;
  // `{"meta":…,"events":[…]}` without its opening brace: it follows the ids.
  const tail = Buffer.from(JSON.stringify(rest).slice(1));
  return {
    events: batch.events.length,
    // rrweb type 2: the batch carries a whole page (Meta + FullSnapshot), the expensive kind to ingest.
    fullSnapshot: batch.events.some((e) => e.type === 2),
    jsonBytes: tail.length,
    tail,
    tailDeflated: deflateRawSync(tail, { level: 6 }),
    tailCrc: crc32(tail),
  };
}

/** The JSON text before the template's tail: the ids of one recorder's batch. */
function head(sessionId, windowId, seq) {
  return Buffer.from(`{"session_id":${JSON.stringify(sessionId)},"window_id":${JSON.stringify(windowId)},"seq":${seq},`);
}

/**
 * The body of `template` for one recorder's batch: `{ body, gzip }` (gzip: send
 * `Content-Encoding: gzip`).
 */
export function bodyFor(template, sessionId, windowId, seq) {
  const ids = head(sessionId, windowId, seq);
  const size = ids.length + template.tail.length;
  if (size < MIN_COMPRESS_BYTES) return { body: Buffer.concat([ids, template.tail]), gzip: false };
  if (ids.length > 0xffff) throw new Error('ids too long for one stored block');
  // Stored block: BFINAL 0, BTYPE 00 (the 5 padding bits to the byte boundary are 0), LEN, NLEN.
  const stored = Buffer.alloc(5);
  stored.writeUInt16LE(ids.length, 1);
  stored.writeUInt16LE(~ids.length & 0xffff, 3);
  const trailer = Buffer.alloc(8);
  // crc32(tail, crc32(ids)) continues the CRC over the whole text; the tail's own CRC is not enough.
  trailer.writeUInt32LE(crc32(template.tail, crc32(ids)), 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return { body: Buffer.concat([GZIP_HEADER, stored, ids, template.tailDeflated, trailer]), gzip: true };
}
