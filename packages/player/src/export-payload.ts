//! Reading the events a Tapedeck HTML export carries (crates/core/src/export/html.rs writes
//! them): one gzip stream, base64-encoded, holding `[{"window_id", "events": [...]}, ...]`.
//! gzip + base64 is about five times smaller than the same JSON inlined as text, and
//! `DecompressionStream` decodes it in about the time `JSON.parse` takes (docs/FORMAT.md).

import type { eventWithTime } from '@rrweb/types';

/** The only payload encoding this player understands. */
export const EXPORT_PAYLOAD_ENCODING = 'gzip+base64';

/** One recorded window (browser tab) of an exported session. */
export interface ExportedWindow {
  window_id: string;
  events: eventWithTime[];
}

/** Decodes base64 text (whitespace allowed) into bytes. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function isWindow(value: unknown): value is ExportedWindow {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as { window_id?: unknown; events?: unknown };
  return typeof w.window_id === 'string' && Array.isArray(w.events);
}

/**
 * Decodes an export's payload into its windows. Throws an `Error` with a sentence for an
 * unknown encoding, bytes that do not decode, or JSON of the wrong shape.
 */
export async function decodeExportPayload(text: string, encoding: string): Promise<ExportedWindow[]> {
  if (encoding !== EXPORT_PAYLOAD_ENCODING) {
    throw new Error(`This export uses the payload encoding "${encoding}", which this player cannot read.`);
  }
  let json: string;
  try {
    const stream = new Blob([base64ToBytes(text)]).stream().pipeThrough(new DecompressionStream('gzip'));
    json = await new Response(stream).text();
  } catch {
    throw new Error('The recording inside this file is damaged (it does not decompress).');
  }
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every(isWindow)) {
    throw new Error('The recording inside this file is not a list of windows with events.');
  }
  return parsed;
}
