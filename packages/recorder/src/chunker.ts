/**
 * Serialization of rrweb events, splitting one too large for a batch (a full snapshot of a huge
 * page) into `tapedeck.chunk` custom events that the server reassembles on read
 * (crates/core/src/chunks.rs):
 * `{"type":5,"timestamp":T,"data":{"tag":"tapedeck.chunk","payload":{"id","index","count","type","data"}}}`.
 * The `data` strings are consecutive slices of the original event's JSON; joined in index order
 * they give it back. Each chunk's own JSON stays within the limit, and no slice splits a
 * surrogate pair, so every chunk is valid Unicode. Pure: randomness is injected.
 */

import { MAX_EVENT_CHUNK_BYTES } from './config';
import type { FillRandom } from './ids';

/** The custom-event tag of a chunk. */
export const CHUNK_TAG = 'tapedeck.chunk';
/** rrweb's Custom event type. */
const EVENT_TYPE_CUSTOM = 5;

/** The fields of an rrweb event the chunks repeat. */
export interface EventHead {
  type: number;
  timestamp: number;
}

/** `payload` of a chunk event. */
export interface ChunkPayload {
  id: string;
  index: number;
  count: number;
  type: number;
  data: string;
}

/**
 * Returns `event` as JSON: one string when it is at most `maxBytes` UTF-16 units long, else the
 * JSON of its chunk events, in order, each at most `maxBytes` long.
 */
export function serializeEvent<E extends EventHead>(event: E, fillRandom: FillRandom, maxBytes = MAX_EVENT_CHUNK_BYTES): string[] {
  const json = JSON.stringify(event);
  if (json.length <= maxBytes) return [json];
  const id = chunkId(fillRandom);
  const slices = sliceJson(json, maxBytes - envelopeLength(event, id));
  return slices.map((data, index) => chunkEventJson(event, { id, index, count: slices.length, type: event.type, data }));
}

function chunkEventJson(event: EventHead, payload: ChunkPayload): string {
  return JSON.stringify({ type: EVENT_TYPE_CUSTOM, timestamp: event.timestamp, data: { tag: CHUNK_TAG, payload } });
}

/** Length of a chunk event's JSON around its (empty) data, with room for any index and count. */
function envelopeLength(event: EventHead, id: string): number {
  const wide = 999_999_999;
  return chunkEventJson(event, { id, index: wide, count: wide, type: event.type, data: '' }).length;
}

/**
 * Cuts `json` into consecutive slices whose JSON string literals (without quotes) are at most
 * `budget` long. Escaping at most doubles a slice of JSON text (`"` and `\`), so a slice is first
 * tried at `budget` units and shortened in proportion until its literal fits.
 */
export function sliceJson(json: string, budget: number): string[] {
  const limit = Math.max(2, budget);
  const slices: string[] = [];
  let start = 0;
  while (start < json.length) {
    let end = Math.min(json.length, start + limit);
    for (;;) {
      end = keepPairs(json, start, end);
      const escaped = JSON.stringify(json.slice(start, end)).length - 2;
      if (escaped <= limit) break;
      end = start + Math.max(1, Math.min(end - start - 1, Math.floor(((end - start) * limit) / escaped)));
    }
    slices.push(json.slice(start, end));
    start = end;
  }
  return slices;
}

/** Moves `end` off the middle of a surrogate pair: back one unit, or past the pair if it is all. */
function keepPairs(text: string, start: number, end: number): number {
  if (end >= text.length) return text.length;
  const last = text.charCodeAt(end - 1);
  if (last < 0xd800 || last > 0xdbff) return end;
  return end - 1 > start ? end - 1 : end + 1;
}

function chunkId(fillRandom: FillRandom): string {
  const bytes = new Uint8Array(8);
  fillRandom(bytes);
  let hex = 'c-';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i] + 0x100).toString(16).slice(1);
  return hex;
}
