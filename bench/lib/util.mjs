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

/**
 * Environment for every server a benchmark starts: the per-key ingest rate limit (default 200
 * batches/s, and a benchmark posts through one key) at its highest allowed value, so posting the
 * workloads is never refused with 429 and the limit is not what is measured.
 */
export const BENCH_SERVER_ENV = { TAPEDECK_INGEST_RATE_LIMIT_PER_MINUTE: '1000000' };

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

/**
 * Whether `binary` is a debug build, from the binary itself rather than its path (a release
 * build copied to /tmp is still one): debug builds carry DWARF (`.debug_info`), release builds
 * are stripped of it (Cargo.toml `[profile.release] strip = "debuginfo"`). Falls back to the path
 * when `readelf` (binutils) is missing.
 */
export function isDebugBuild(binary) {
  const sections = spawnSync('readelf', ['-S', '--wide', binary], { encoding: 'utf8' });
  if (sections.status === 0) return /\.debug_info\b/.test(sections.stdout);
  return !/release/.test(binary);
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

/** The value after `flag` on the command line, or null. */
export function option(flag) {
  const at = process.argv.indexOf(flag);
  return at > 0 && process.argv[at + 1] && !process.argv[at + 1].startsWith('--') ? process.argv[at + 1] : null;
}

/** The `q` quantile (0–1) of the finite `values`, nearest rank; NaN when there are none. */
export function quantile(values, q) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))];
}

/**
 * Replaces one benchmark's section of docs/BENCHMARKS.md — from `<!-- name:begin -->` to
 * `<!-- name:end -->`, markers included in `section` — so a part run alone (`--write`) leaves
 * the others as they are; a file without the section gets it before "Not measured yet" (or at
 * the end).
 */
export function spliceSection(markdown, name, section) {
  const start = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const a = markdown.indexOf(start);
  const b = markdown.indexOf(end);
  if (a >= 0 && b > a) return markdown.slice(0, a) + section.trimEnd() + markdown.slice(b + end.length);
  const at = markdown.indexOf('## Not measured yet');
  return at < 0 ? `${markdown.trimEnd()}\n\n${section}\n` : `${markdown.slice(0, at)}${section}\n\n${markdown.slice(at)}`;
}
