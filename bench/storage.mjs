#!/usr/bin/env node
/**
 * Storage benchmark (issue 5 "Performance", SPEC §9 stored size and seek): stored bytes per
 * recorded minute and the time to fetch and decode the range for a seek, on generated sessions
 * (bench/lib/generate-session.mjs) posted to a real `tapedeck serve`.
 *
 * Workloads: long mixed sessions (1 h and 2 h, steady and heavy) for sizes and seeks, and one
 * shorter session per page kind and profile for sizes (bytes per minute depend on the page).
 * For each:
 * - raw: the batch bodies' JSON; wire: each body as the SDK sends it (gzip at zlib's default level
 *   6, as CompressionStream does, and uncompressed under MIN_COMPRESS_BYTES); "gzip of the same
 *   batches": every body gzipped at level 6 (SPEC §9's wire baseline);
 * - stored: the session's blob files in the server's data dir — the ingest segments right after
 *   posting, and the compacted recording (format v1) once the server has compacted the idle
 *   session (it runs with TAPEDECK_SESSION_IDLE_SECS=2; the wait is bounded and "not compacted"
 *   is reported past it);
 * - zstd -19 of the whole session's events as one JSON array: the single-shot floor;
 * - full runs only: would a zstd dictionary pay (bench/lib/storage-size.mjs trials);
 * - seek range (long sessions): GET …/events?from&to at 10/50/90/100 % and 20 seeded random
 *   positions, beside the whole session (bench/lib/seek-range.mjs).
 *
 * `node bench/storage.mjs [--quick] [--write] [--json FILE] [--render FILE]` runs this part alone
 * (TAPEDECK_BIN picks the server binary) and prints its section; `--write` also puts it into
 * docs/BENCHMARKS.md in place of the previous storage section; `--json` saves the figures and
 * `--render` renders saved figures again instead of measuring. `bench/run.mjs` runs it as part of `make bench`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { login, startServer } from '../e2e/lib/server.mjs';
import { generateBatches } from './lib/generate-session.mjs';
import { measureSeeks } from './lib/seek-range.mjs';
import { BLOCK_ZSTD_LEVEL, cutBlocks, SEGMENT_ZSTD_LEVEL, sessionBlobs, trainDictionary, withTempFile, zstdBytesAsync, zstdEach, zstdVersion } from './lib/storage-size.mjs';
import { BENCH_SERVER_ENV, isDebugBuild, machine, option, sleep, spliceSection, withTimeout } from './lib/util.mjs';

/**
 * Long sessions: sizes and seeks (the largest first, so its compaction overlaps the other posts).
 * Page sessions (`PAGE_SESSIONS`, `pageMinutes` long): sizes.
 */
export const STORAGE_PLANS = {
  quick: {
    // One 1-hour heavy session for the seek figures (posting, compacting and zstd -19 of long sessions dominate; make
    // bench-quick has 5 minutes for everything), and 5-minute page sessions.
    sessions: [{ profile: 'heavy', minutes: 60, seed: 2 }],
    pageMinutes: 5, randomSeeks: 10, wholeRuns: 1, dictionary: false, compactionWaitMs: 120_000,
  },
  full: {
    sessions: [
      { profile: 'heavy', minutes: 120, seed: 3 }, { profile: 'heavy', minutes: 60, seed: 2 },
      { profile: 'steady', minutes: 120, seed: 4 }, { profile: 'steady', minutes: 60, seed: 1 },
    ],
    pageMinutes: 30, randomSeeks: 20, wholeRuns: 3, dictionary: true, compactionWaitMs: 5 * 60_000,
  },
};
/** One session per page kind the profile visits (bench/lib/generate-session.mjs PROFILES). */
export const PAGE_SESSIONS = [
  ['steady', 'article'], ['steady', 'form'], ['steady', 'list'], ['steady', 'table'],
  ['heavy', 'dashboard'], ['heavy', 'table'], ['heavy', 'list'],
];
/** Bodies under this are sent uncompressed (packages/recorder/src/config.ts MIN_COMPRESS_BYTES). */
const MIN_COMPRESS_BYTES = 1_024;
const GZIP_LEVEL = 6;
const POST_CONCURRENCY = 8;
const POST_ATTEMPTS = 5;
const POST_TIMEOUT_MS = 30_000;
const SITE = 'shop';

const hours = (minutes) => (minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`);

/** Generates a workload's batches (ending a minute ago, so retention never sees them as old) and its sizes. */
function prepare(w, { training = false } = {}) {
  const startMs = Date.now() - w.minutes * 60_000 - 60_000;
  const bodies = [];
  const kinds = [];
  const jsons = [];
  let sessionId = null;
  for (const batch of generateBatches({ ...w, site: SITE, startMs })) {
    sessionId = batch.session_id;
    const raw = Buffer.from(JSON.stringify(batch));
    if (training) {
      bodies.push({ raw });
      continue;
    }
    const gz = gzipSync(raw, { level: GZIP_LEVEL });
    bodies.push({ raw, gz, wire: raw.length < MIN_COMPRESS_BYTES ? raw : gz });
    for (const e of batch.events) {
      kinds.push(e.type);
      jsons.push(JSON.stringify(e));
    }
  }
  const name = w.pages ? `${w.pages.join(', ')} (${w.profile}, ${hours(w.minutes)})` : `${w.profile} ${hours(w.minutes)}`;
  return { ...w, name, sessionId, bodies, kinds, jsons, events: jsons.length };
}

async function post(server, w) {
  let next = 0;
  let failures = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < w.bodies.length) {
      const { wire, gz } = w.bodies[next++];
      const headers = { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey };
      if (wire === gz) headers['content-encoding'] = 'gzip';
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers, body: wire, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
        await res.arrayBuffer();
        if (res.ok) break;
        if (attempt >= POST_ATTEMPTS || (res.status !== 503 && res.status !== 429)) {
          failures += 1;
          break;
        }
        await sleep(200 * attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: POST_CONCURRENCY }, worker));
  return { ms: Date.now() - started, failures };
}

const compacted = (sizes) => sizes.recordings.files > 0 && sizes.segments.files === 0;

/**
 * Would a zstd dictionary pay? Sizes of `w` with and without `dict` (trained on another session
 * of the site), and of its blocks with the window's first keyframe block as a raw-content
 * dictionary (stored once; every other block refers to its full snapshot).
 */
function dictionaryTrial(w, dict) {
  const batches = w.bodies.map((b) => b.raw);
  const cut = cutBlocks(w.kinds, w.jsons);
  const blocks = cut.map((b) => Buffer.from(`[${b.jsons.join(',')}]`));
  const k = Math.max(0, cut.findIndex((b) => b.keyframe));
  const others = blocks.filter((_, i) => i !== k);
  const firstAsDict = zstdEach([blocks[k]], BLOCK_ZSTD_LEVEL) + withTempFile(blocks[k], (path) => zstdEach(others, BLOCK_ZSTD_LEVEL, path));
  return {
    blocks: blocks.length,
    batchPlain: zstdEach(batches, SEGMENT_ZSTD_LEVEL),
    batchDict: dict ? zstdEach(batches, SEGMENT_ZSTD_LEVEL, dict.path) : NaN,
    blockPlain: zstdEach(blocks, BLOCK_ZSTD_LEVEL),
    blockDict: dict ? zstdEach(blocks, BLOCK_ZSTD_LEVEL, dict.path) : NaN,
    blockFirstAsDict: firstAsDict,
  };
}

/** Notes in `w.compactedAt` when the server has compacted `w`'s session (polling its blob files). */
function watchCompaction(dataDir, w) {
  w.compactedAt = null;
  const timer = setInterval(() => {
    if (compacted(sessionBlobs(dataDir, w.sessionId))) {
      w.compactedAt = Date.now();
      clearInterval(timer);
    }
  }, 250);
  w.stopWatching = () => clearInterval(timer);
}

/** Waits until every session is compacted or `limitMs` passed. */
async function waitForCompaction(workloads, limitMs, log) {
  const started = Date.now();
  const done = () => workloads.every((w) => w.compactedAt !== null);
  while (Date.now() - started < limitMs && !done()) await sleep(250);
  for (const w of workloads) w.stopWatching();
  const count = workloads.filter((w) => w.compactedAt !== null).length;
  log(`storage: ${count}/${workloads.length} sessions compacted; waited ${((Date.now() - started) / 1000).toFixed(0)} s after the last post`);
}

/** Runs `jobs` (functions returning promises) one at a time, in the background. */
function serially(jobs) {
  let chain = Promise.resolve();
  return jobs.map((job) => (chain = chain.then(job)));
}

let stopServer = async () => {};
/** Stops the benchmark's server if it still runs (after a timeout, the run's promise never settles). */
export const stopStorageServer = () => stopServer().catch(() => {});

/** Runs the storage benchmark; returns the figures `renderStorage` (bench/report.mjs) shows. */
export async function runStorage({ quick = false, log = console.log } = {}) {
  const plan = quick ? STORAGE_PLANS.quick : STORAGE_PLANS.full;
  const loadBefore = loadavg()[0];
  const zstd = zstdVersion();
  if (!zstd) log('storage: the zstd CLI is missing (apt-get install zstd): zstd baselines are left out');
  const specs = [
    ...plan.sessions.map((w) => ({ ...w, seeks: true })),
    ...PAGE_SESSIONS.map(([profile, page]) => ({ profile, pages: [page], minutes: plan.pageMinutes, seed: 1, seeks: false })),
  ];
  const workloads = specs.map((w) => prepare(w));
  log(`storage: generated ${workloads.map((w) => `${w.name} (${w.bodies.length} batches)`).join(', ')}`);
  // zstd -19 of a 2-hour session takes ~20 s of one core: it runs beside posting and compaction
  // (which it slows; their times are informative only) and is done before any seek is timed.
  const zstd19 = zstd ? serially(workloads.map((w) => () => zstdBytesAsync(Buffer.from(`[${w.jsons.join(',')}]`), 19))) : [];
  const server = await startServer({ env: { ...BENCH_SERVER_ENV, TAPEDECK_SESSION_IDLE_SECS: '2' } });
  stopServer = () => server.stop();
  const binary = process.env.TAPEDECK_BIN ?? 'target/debug/tapedeck';
  try {
    for (const w of workloads) {
      w.post = await post(server, w);
      w.before = sessionBlobs(server.dataDir, w.sessionId);
      w.postedAt = Date.now();
      watchCompaction(server.dataDir, w);
      log(`storage: posted ${w.name}: ${w.bodies.length} batches in ${(w.post.ms / 1000).toFixed(1)} s (${w.post.failures} failed); ${w.before.segments.files} segments`);
    }
    await waitForCompaction(workloads, plan.compactionWaitMs, log);
    const zstdSizes = await Promise.all(zstd19);
    workloads.forEach((w, i) => (w.zstd19 = zstdSizes[i] ?? NaN));
    if (plan.dictionary && zstd) {
      const trainings = new Map();
      for (const profile of new Set(workloads.map((w) => w.profile))) {
        const t = prepare({ profile, minutes: 30, seed: `training-${profile}` }, { training: true });
        trainings.set(profile, trainDictionary(t.bodies.map((b) => b.raw)));
      }
      for (const w of workloads.filter((x) => x.seeks)) w.dictionary = { ...dictionaryTrial(w, trainings.get(w.profile)), dictBytes: trainings.get(w.profile)?.bytes };
      for (const d of trainings.values()) d?.cleanup();
    }
    log('storage: zstd baselines done');

    const cookie = await login(server.url);
    for (const w of workloads) {
      w.after = sessionBlobs(server.dataDir, w.sessionId);
      w.compacted = compacted(w.after);
      w.compactedAfterMs = w.compactedAt !== null ? w.compactedAt - w.postedAt : NaN;
      if (!w.seeks) continue;
      w.seekFigures = await withTimeout(`seeks on ${w.name}`, 10 * 60_000, measureSeeks({
        base: server.url, cookie, sessionId: w.sessionId, durationMs: w.minutes * 60_000, randomSeeks: plan.randomSeeks, wholeRuns: plan.wholeRuns, seed: w.name,
      }));
      const k = w.seekFigures;
      w.seekLoad = loadavg()[0];
      log(`storage: seeks on ${w.name} (${w.compacted ? 'compacted' : 'not compacted'}): p50 ${k.medianMs.toFixed(0)} ms, p95 ${k.p95Ms.toFixed(0)} ms, max ${k.maxMs.toFixed(0)} ms; whole session ${k.whole.medianMs.toFixed(0)} ms`);
    }
  } finally {
    for (const w of workloads) w.stopWatching?.();
    await server.stop().catch(() => {});
  }
  const sum = (w, key) => w.bodies.reduce((s, b) => s + b[key].length, 0);
  return {
    quick,
    binary,
    debugBuild: isDebugBuild(binary),
    zstd,
    plan,
    // The 1-minute load average (2 cores): other work on the machine shows here, and in the seek times.
    load: { before: loadBefore, seeks: workloads.filter((w) => w.seeks).map((w) => w.seekLoad) },
    workloads: workloads.map((w) => ({
      name: w.name, profile: w.profile, pages: w.pages ?? null, minutes: w.minutes, sessionId: w.sessionId, batches: w.bodies.length, events: w.events,
      rawBytes: sum(w, 'raw'), wireBytes: sum(w, 'wire'), gzipBytes: sum(w, 'gz'), zstd19Bytes: w.zstd19,
      before: w.before, after: w.after, compacted: w.compacted, compactedAfterMs: w.compactedAfterMs,
      // A session that went idle while it was being posted was compacted in parts: its "before" is not all segments.
      compactedWhilePosting: w.before.recordings.files > 0,
      post: w.post, dictionary: w.dictionary ?? null, seeks: w.seekFigures ?? null,
    })),
  };
}

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const log = (line) => console.error(`[storage ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const { renderStorage } = await import('./report.mjs');
  let figures;
  if (option('--render')) {
    // Re-renders saved figures (after a change to the report's text), without measuring again.
    figures = JSON.parse(readFileSync(option('--render'), 'utf8'));
  } else {
    const result = await withTimeout('the storage benchmark', quick ? 5 * 60_000 : 60 * 60_000, runStorage({ quick, log }));
    const binary = process.env.TAPEDECK_BIN ? `TAPEDECK_BIN=${process.env.TAPEDECK_BIN} ` : '';
    figures = {
      ...result,
      date: new Date().toISOString(),
      command: `${binary}node bench/storage.mjs${quick ? ' --quick' : ''}`,
      durationS: (Date.now() - started) / 1000,
      machine: machine(),
    };
  }
  const section = renderStorage(figures);
  console.log(section);
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(figures, null, 1));
  if (process.argv.includes('--write')) {
    const path = resolve(import.meta.dirname, '../docs/BENCHMARKS.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), 'storage', section));
    log(`wrote the storage section of ${path}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`[storage] failed: ${error.stack ?? error}`);
      stopStorageServer().finally(() => process.exit(1));
    },
  );
}
