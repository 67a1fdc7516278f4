/**
 * Gzip compression of batch bodies with the browser's `CompressionStream`, which works in
 * chunks without blocking the page for a whole body. Absent where unsupported.
 */

/** Compresses a text into gzip bytes. */
export type Compressor = (text: string) => Promise<Uint8Array<ArrayBuffer>>;

/** Returns a gzip compressor, or `null` where `CompressionStream` is missing (plain JSON is sent). */
export function gzipCompressor(): Compressor | null {
  if (typeof CompressionStream !== 'function' || typeof Blob !== 'function' || typeof Response !== 'function') {
    return null;
  }
  return async (text) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  };
}
