/**
 * Gzip compression of batch bodies, off the main thread where the page allows it: a Web Worker
 * running `CompressionStream` (src/compression-worker.ts), else `CompressionStream` on the main
 * thread (it works in chunks, so a body never blocks the page at once), else none (plain JSON).
 */

import { browserWorkerHost, workerCompressor } from './compression-worker';

/** Compresses a text into gzip bytes. */
export type Compressor = (text: string) => Promise<Uint8Array<ArrayBuffer>>;

function hasCompressionStream(): boolean {
  return typeof CompressionStream === 'function' && typeof Blob === 'function' && typeof Response === 'function';
}

/** Returns a gzip compressor on this thread, or `null` where `CompressionStream` is missing. */
export function mainThreadCompressor(): Compressor | null {
  if (!hasCompressionStream()) return null;
  return async (text) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  };
}

/**
 * Returns a compressor that uses the first of `candidates` that works. Each is created on first
 * use; one that is `null`, throws or rejects is skipped from then on, and the body is retried on
 * the next. Rejects only when none is left (the transport then sends plain JSON).
 */
export function fallbackCompressor(candidates: ReadonlyArray<() => Compressor | null>): Compressor {
  let index = 0;
  let current: Compressor | null | undefined;
  const next = (): Compressor | null => {
    while (index < candidates.length) {
      if (current === undefined) {
        try {
          current = candidates[index]();
        } catch {
          current = null;
        }
      }
      if (current !== null) return current;
      index += 1;
      current = undefined;
    }
    return null;
  };
  return async (text) => {
    for (;;) {
      const compressor = next();
      if (compressor === null) throw new Error('no compressor works here');
      try {
        return await compressor(text);
      } catch {
        // A broken candidate is not tried again; another call may have moved on already.
        if (current === compressor) {
          index += 1;
          current = undefined;
        }
      }
    }
  };
}

/**
 * Returns the page's gzip compressor (worker, then main thread), or `null` where
 * `CompressionStream` is missing (plain JSON is sent).
 */
export function gzipCompressor(): Compressor | null {
  if (!hasCompressionStream()) return null;
  return fallbackCompressor([
    () => {
      const host = browserWorkerHost();
      return host === null ? null : workerCompressor(host);
    },
    mainThreadCompressor,
  ]);
}
