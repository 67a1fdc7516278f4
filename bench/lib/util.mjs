/** Small shared helpers of the benchmark: statistics, compression, machine facts, time limits. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';

export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Rejects after `ms` with a message naming `what`, so that no step can hang the run. */
export async function withTimeout(what, ms, promise) {
  let timer;
  const limit = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export const gzipBytes = (buf) => gzipSync(buf).length;

let zstdMissing = false;
/** zstd at `level` with the system `zstd` CLI (the server uses zstd-3); NaN when it is missing. */
export function zstdBytes(buf, level = 3) {
  if (zstdMissing) return NaN;
  const args = level > 19 ? [`--ultra`, `-${level}`, '-c', '-q'] : [`-${level}`, '-c', '-q'];
  const out = spawnSync('zstd', args, { input: buf, maxBuffer: 1 << 30 });
  if (out.error || out.status !== 0) {
    zstdMissing = true;
    return NaN;
  }
  return out.stdout.length;
}

export function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return { model, cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version };
}

export const fmt = {
  ms: (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : '—'),
  mb: (v) => (Number.isFinite(v) ? `${(v / 2 ** 20).toFixed(2)} MB` : '—'),
  kb: (v) => (Number.isFinite(v) ? `${(v / 1024).toFixed(v < 10240 ? 1 : 0)} KB` : '—'),
  ratio: (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—'),
  pct: (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %` : '—'),
};
