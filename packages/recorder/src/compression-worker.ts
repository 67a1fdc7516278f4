/**
 * Gzip in a Web Worker: a small inline script (started from a Blob URL, so no extra file is
 * served) compresses with `CompressionStream`; the text goes in and the gzip comes back as
 * transferred bytes. Where the page forbids it (a CSP without `worker-src blob:`), or the worker
 * errs or stays silent past a timeout, its compressions reject and the caller falls back
 * (src/compression.ts). The worker and timers are injected through `WorkerHost`.
 */

import type { Compressor } from './compression';
import { COMPRESS_WORKER_TIMEOUT_MS } from './config';

/** The worker's whole source: `{id, bytes}` in, `{id, bytes}` or `{id, error}` out. */
export const COMPRESSION_WORKER_SOURCE = `self.onmessage=function(e){var id=e.data.id;
new Response(new Blob([e.data.bytes]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer().then(
function(b){self.postMessage({id:id,bytes:b},[b]);},function(x){self.postMessage({id:id,error:String(x)});});};`;

/** The part of a `Worker` used here. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface WorkerHost {
  /** Starts a worker running `source`; may throw (blocked by CSP, no `Worker`). */
  createWorker(source: string): WorkerLike;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Pending {
  resolve(bytes: Uint8Array<ArrayBuffer>): void;
  reject(error: Error): void;
  timer: unknown;
}

/**
 * Returns a compressor backed by one worker, started on first use. Once the worker fails (cannot
 * start, errs, answers with an error, or times out) it is stopped and every call rejects.
 */
export function workerCompressor(host: WorkerHost, timeoutMs = COMPRESS_WORKER_TIMEOUT_MS): Compressor {
  let worker: WorkerLike | null = null;
  let broken = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const fail = (reason: string) => {
    broken = true;
    for (const entry of pending.values()) {
      host.clearTimeout(entry.timer);
      entry.reject(new Error(reason));
    }
    pending.clear();
    try {
      worker?.terminate();
    } catch {
      // Already gone.
    }
    worker = null;
  };

  const start = (): WorkerLike => {
    const started = host.createWorker(COMPRESSION_WORKER_SOURCE);
    started.onerror = () => fail('worker error');
    started.onmessage = (event) => {
      const data = event.data as { id?: unknown; bytes?: unknown; error?: unknown };
      const entry = typeof data?.id === 'number' ? pending.get(data.id) : undefined;
      if (entry === undefined || typeof data.id !== 'number') return;
      pending.delete(data.id);
      host.clearTimeout(entry.timer);
      if (data.bytes instanceof ArrayBuffer) {
        entry.resolve(new Uint8Array(data.bytes));
        return;
      }
      entry.reject(new Error(String(data.error)));
      fail('worker error');
    };
    return started;
  };

  return (text) =>
    new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
      if (broken) {
        reject(new Error('worker broken'));
        return;
      }
      try {
        worker ??= start();
        const id = nextId++;
        const timer = host.setTimeout(() => fail('worker timeout'), timeoutMs);
        pending.set(id, { resolve, reject, timer });
        const bytes = new TextEncoder().encode(text);
        worker.postMessage({ id, bytes }, [bytes.buffer]);
      } catch (error) {
        fail(String(error));
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
}

/** The page's worker host, or `null` where `Worker` or Blob URLs are missing. */
export function browserWorkerHost(): WorkerHost | null {
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL !== 'function' ||
    typeof URL.createObjectURL !== 'function') {
    return null;
  }
  return {
    createWorker(source) {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      try {
        const worker = new Worker(url);
        const revoke = () => URL.revokeObjectURL(url);
        worker.addEventListener('message', revoke, { once: true });
        worker.addEventListener('error', revoke, { once: true });
        return worker;
      } catch (error) {
        URL.revokeObjectURL(url);
        throw error;
      }
    },
    setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
