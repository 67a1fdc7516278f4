#!/usr/bin/env node
/**
 * Player benchmark (issue 6 "Performance", SPEC §9 player budgets): the Tapedeck player against
 * the raw rrweb `Replayer` given all events, side by side in one run, on generated long sessions
 * (bench/lib/generate-session.mjs) posted to a real `tapedeck serve` and compacted by it.
 *
 * Both arms run in a page served at the server's origin (so the API answers with the login
 * cookie), in a fresh browser context each:
 * - **Tapedeck**: `createPlayer` (packages/player) on the web app's RangeSource
 *   (`eventsRangeSource` of packages/web/src/replay-host.ts): ranges of the events API;
 * - **raw rrweb**: `GET …/events` (the whole window), `new Replayer(events)`, `pause(ms)` to seek.
 *
 * Figures: time to first frame (at 0 and at a `?t=` half-way point: from the call to the first
 * paint of the built page, fetching included); seek latency (10/50/90/100 % and 20 seeded random
 * points, one after the other, from the call until the frame is painted); frame intervals while
 * playing at 1× and 8× (requestAnimationFrame deltas); JS heap after a forced GC, after the
 * first frame and after the seeks.
 *
 * `node bench/player.mjs [--quick] [--write] [--json FILE]` runs this part alone (TAPEDECK_BIN
 * picks the server binary) and prints its section; `--write` puts it into docs/BENCHMARKS.md in
 * place of the previous player section. `bench/run.mjs` runs it as part of `make bench`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { launch } from '../e2e/lib/browser.mjs';
import { ingestGeneratedSession } from '../e2e/lib/player.mjs';
import { login, startServer } from '../e2e/lib/server.mjs';
import { sessionBlobs } from './lib/storage-size.mjs';
import { BENCH_SERVER_ENV, fmt, isDebugBuild, machine, option, quantile, sleep, spliceSection, withTimeout } from './lib/util.mjs';

const ROOT = resolve(import.meta.dirname, '..');
export const PLAYER_PLANS = {
  // One 1-hour session, fewer seeks and shorter frame runs: make bench-quick has 5 minutes for everything.
  quick: { sessions: [{ profile: 'heavy', minutes: 60, seed: 2 }], randomSeeks: 6, frameSeconds: 2, compactionWaitMs: 180_000 },
  full: {
    sessions: [
      { profile: 'heavy', minutes: 60, seed: 2 }, { profile: 'heavy', minutes: 120, seed: 3 },
      { profile: 'steady', minutes: 60, seed: 1 }, { profile: 'steady', minutes: 120, seed: 4 },
    ],
    randomSeeks: 20, frameSeconds: 15, compactionWaitMs: 5 * 60_000,
  },
};
/** SPEC §9. */
export const BUDGETS = { firstFrameMs: 300, seekMs: 150, frameMs: 50 };
const VIEWPORT = { width: 1440, height: 1000 };

/** The page both arms run in; bundled by esbuild from the repository's sources. */
const PAGE_ENTRY = `
import { Replayer } from '@rrweb/replay';
import { createPlayer } from './packages/player/src/index.ts';
import { eventsRangeSource } from './packages/web/src/replay-host.ts';

const stage = () => document.getElementById('stage');
/** Resolves after the next frame is painted (rAF runs before the paint; the message after it). */
const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
}));
let player = null;
let replayer = null;
let origin = 0;
/**
 * Time spent waiting for the ranges a load or seek asks for (\`from\` requests; fetch and JSON
 * parse) since the last reset. Load-ahead (\`after\`) requests run beside playback and are left out.
 */
let fetching = 0;
function timed(source) {
  return { ...source, fetch: async (request, init) => {
    const t0 = performance.now();
    try {
      return await source.fetch(request, init);
    } finally {
      if ('from' in request) fetching += performance.now() - t0;
    }
  } };
}

window.bench = {
  async loadPlayer({ id, windowId, durationMs, startAt }) {
    fetching = 0;
    const t0 = performance.now();
    player = createPlayer(stage(), { source: timed(eventsRangeSource(id, windowId, durationMs)), startAt });
    await player.ready;
    return { firstFrameMs: performance.now() - t0, fetchMs: fetching };
  },
  async loadRaw({ id, windowId, startAt }) {
    const t0 = performance.now();
    const response = await fetch('/api/v1/sessions/' + id + '/events?window=' + encodeURIComponent(windowId));
    const { events, range } = await response.json();
    const fetched = performance.now();
    origin = events[0].timestamp - (range.start_ms ?? 0);
    replayer = new Replayer(events, { root: stage(), showWarning: false });
    await new Promise((resolve) => replayer.on('fullsnapshot-rebuilded', resolve));
    if (startAt > 0) replayer.pause(startAt - (events[0].timestamp - origin));
    await afterPaint();
    return { firstFrameMs: performance.now() - t0, fetchMs: fetched - t0, events: events.length };
  },
  async seek(ms) {
    await afterPaint(); // start on a quiet frame, after the load-ahead a previous seek started
    fetching = 0;
    const t0 = performance.now();
    if (player) {
      player.seek(ms);
      await player.settled();
    } else {
      replayer.pause(ms);
    }
    const fetchMs = fetching;
    await afterPaint();
    return { ms: performance.now() - t0, fetchMs };
  },
  /** Plays from \`from\` at \`speed\` for \`seconds\`; returns the frame intervals in ms. */
  async frames({ from, speed, seconds }) {
    if (player) {
      player.seek(from);
      await player.settled();
      player.setSpeed(speed);
      player.play();
    } else {
      replayer.setConfig({ speed });
      replayer.play(from);
    }
    await afterPaint();
    const stamps = [];
    const end = performance.now() + seconds * 1000;
    await new Promise((resolve) => {
      const tick = (t) => {
        stamps.push(t);
        if (t < end) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    if (player) player.pause();
    else replayer.pause();
    return stamps.slice(1).map((t, i) => t - stamps[i]);
  },
};
`;

async function bundlePage() {
  const out = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: ROOT, sourcefile: 'bench-player-page.js', loader: 'js' },
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    outdir: '/bench-player',
    logLevel: 'warning',
  });
  const file = (ext) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const html = '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css"></head>' +
    '<body style="margin:0"><div id="stage" style="position:relative;width:1280px;height:900px;overflow:hidden"></div>' +
    '<script src="page.js"></script></body></html>';
  return { html, js: file('.js'), css: file('.css') };
}

/** A seeded 0–1 generator (mulberry32), so random seek points repeat from run to run. */
function rng(seed) {
  let a = [...String(seed)].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0, 1779033703);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frameStats(intervals) {
  return {
    frames: intervals.length,
    p50: quantile(intervals, 0.5),
    p95: quantile(intervals, 0.95),
    p99: quantile(intervals, 0.99),
    max: Math.max(...intervals),
    over50: intervals.filter((d) => d > BUDGETS.frameMs).length,
  };
}

async function heap(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** One arm on one session in a fresh context: loads, seeks, plays, measures. */
async function runArm({ browser, server, cookie, page: assets, w, arm, points, frameSeconds }) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: server.url }]);
  await context.route(`${server.url}/__bench/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const [body, type] = path.endsWith('.js') ? [assets.js, 'text/javascript'] : path.endsWith('.css') ? [assets.css, 'text/css'] : [assets.html, 'text/html'];
    return route.fulfill({ status: 200, contentType: type, body });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${server.url}/__bench/player.html`);
    const load = (startAt) =>
      page.evaluate(([a, args]) => (a === 'tapedeck' ? window.bench.loadPlayer(args) : window.bench.loadRaw(args)), [arm, { id: w.sessionId, windowId: w.windowId, durationMs: w.durationMs, startAt }]);
    const first = await load(0);
    const heapAfterLoad = await heap(page);
    const seeks = [];
    for (const point of points) seeks.push({ ...point, ...(await page.evaluate((at) => window.bench.seek(at), point.at)) });
    const heapAfterSeeks = await heap(page);
    const at = Math.round(w.durationMs * 0.25);
    const frames1 = frameStats(await page.evaluate((args) => window.bench.frames(args), { from: at, speed: 1, seconds: frameSeconds }));
    const frames8 = frameStats(await page.evaluate((args) => window.bench.frames(args), { from: at, speed: 8, seconds: frameSeconds }));
    // A ?t= link half-way: a fresh page, first frame there.
    await page.goto(`${server.url}/__bench/player.html`);
    const half = await load(Math.round(w.durationMs / 2));
    return { arm, first, half, heapAfterLoad, heapAfterSeeks, seeks, frames1, frames8, errors };
  } finally {
    await context.close();
  }
}

/** Waits until the server has compacted every session (its blob files), or `limitMs` passed. */
async function waitForCompaction(dataDir, workloads, limitMs, log) {
  const deadline = Date.now() + limitMs;
  const compacted = (w) => {
    const s = sessionBlobs(dataDir, w.sessionId);
    return s.recordings.files > 0 && s.segments.files === 0;
  };
  while (Date.now() < deadline && !workloads.every(compacted)) await sleep(500);
  for (const w of workloads) w.compacted = compacted(w);
  log(`player: sessions compacted: ${workloads.map((w) => `${w.name} ${w.compacted ? 'yes' : 'no'}`).join(', ')}`);
}

let stopServer = async () => {};
/** Stops the player benchmark's server if it still runs (for bench/run.mjs's cleanup). */
export const stopPlayerServer = () => stopServer();

/** Runs the player benchmark; returns its figures (rendered by `renderPlayer`). */
export async function runPlayer({ quick, log, browser: given }) {
  const plan = quick ? PLAYER_PLANS.quick : PLAYER_PLANS.full;
  const assets = await bundlePage();
  const server = await startServer({ env: { ...BENCH_SERVER_ENV, TAPEDECK_SESSION_IDLE_SECS: '2' } });
  stopServer = () => server.stop();
  const browser = given ?? (await launch());
  const binary = process.env.TAPEDECK_BIN ?? 'target/debug/tapedeck';
  const loadBefore = loadavg()[0];
  try {
    const workloads = [];
    for (const s of plan.sessions) {
      const name = `${s.profile} ${s.minutes % 60 === 0 ? `${s.minutes / 60} h` : `${s.minutes} min`}`;
      const posted = await ingestGeneratedSession(server, s);
      const durationMs = posted.events.at(-1).timestamp - posted.events[0].timestamp;
      workloads.push({ ...s, name, sessionId: posted.sessionId, windowId: posted.windowId, durationMs, events: posted.events.length });
      log(`player: posted ${name} (${posted.events.length} events)`);
    }
    await waitForCompaction(server.dataDir, workloads, plan.compactionWaitMs, log);
    const cookie = await login(server.url);
    for (const w of workloads) {
      const random = rng(`player/${w.name}`);
      const points = [0.1, 0.5, 0.9, 1].map((f) => ({ label: `${f * 100} %`, at: Math.round(w.durationMs * f) }));
      for (let i = 0; i < plan.randomSeeks; i++) points.push({ label: 'random', at: Math.round(random() * w.durationMs) });
      w.arms = {};
      // Alternate which arm goes first, so neither always runs on a warmer machine.
      const order = workloads.indexOf(w) % 2 === 0 ? ['tapedeck', 'rrweb'] : ['rrweb', 'tapedeck'];
      for (const arm of order) {
        w.arms[arm] = await withTimeout(`${arm} on ${w.name}`, 10 * 60_000, runArm({ browser, server, cookie, page: assets, w, arm, points, frameSeconds: plan.frameSeconds }));
        const a = w.arms[arm];
        log(`player: ${arm} on ${w.name}: first frame ${a.first.firstFrameMs.toFixed(0)} ms, seek max ${Math.max(...a.seeks.map((s) => s.ms)).toFixed(0)} ms, 1× max frame ${a.frames1.max.toFixed(0)} ms, heap ${(a.heapAfterLoad / 2 ** 20).toFixed(1)} MB`);
      }
      w.load = loadavg()[0];
    }
    return { quick, binary, debugBuild: isDebugBuild(binary), plan, chromium: browser.version(), load: { before: loadBefore, sessions: workloads.map((w) => w.load) }, workloads };
  } finally {
    if (!given) await browser.close().catch(() => {});
    await server.stop().catch(() => {});
    stopServer = async () => {};
  }
}

// ---- the section of docs/BENCHMARKS.md ----

const START = '<!-- player:begin -->';
const END = '<!-- player:end -->';
const ok = (pass) => (pass ? '✓ within budget' : '✗ over budget');
const ms = (v) => fmt.ms(v);
const mb = (v) => fmt.mb(v);

function seekStats(seeks) {
  const all = seeks.map((s) => s.ms);
  const at = (label) => seeks.find((s) => s.label === label)?.ms;
  return { p50: quantile(all, 0.5), p95: quantile(all, 0.95), max: Math.max(...all), at };
}

/** The player section of docs/BENCHMARKS.md, between markers so `--write` can replace it alone. */
export function renderPlayer(p) {
  const L = [START, '## Player — budgets: first frame < 300 ms (1-hour session), any seek < 150 ms, no frame > 50 ms at 1×', ''];
  if (!p || p.failed) {
    L.push(`Not measured in this run${p?.failed ? ` (the player benchmark failed: ${p.failed})` : ''}.`, END);
    return L.join('\n');
  }
  L.push(`Measured by \`bench/player.mjs\` (${p.command}, ${p.date}, ${p.durationS.toFixed(0)} s; ${p.machine.model}, ${p.machine.cores} cores; headless Chromium ${p.chromium}; server \`${p.binary}\`${p.debugBuild ? ', a debug build' : ''}).`);
  L.push('Generated sessions (`bench/lib/generate-session.mjs`) posted to a real `tapedeck serve` and compacted by it; each arm in');
  L.push('a fresh browser context at the server\'s origin, the page 1280×900:');
  L.push('- **Tapedeck**: `createPlayer` on the web app\'s RangeSource (ranges of `GET …/events`, load-ahead, seeks fetch from the');
  L.push('  keyframe before the target and rebuild the page in the same Replayer; see packages/player/README.md);');
  L.push('- **raw rrweb**: `GET …/events` (the whole window), `new Replayer(events)`, `pause(ms)` to seek.');
  L.push('First frame: from the call (fetching included) to the paint of the built page, at 0 and at half the session (a `?t=` link);');
  L.push('the one at 0 is the first replay in a fresh browser context (rrweb\'s code compiled on first use), the half-way one a second page.');
  L.push('Seeks: 10/50/90/100 % then 20 seeded random points, one after the other, from `seek` until the frame is painted.');
  L.push(`Frames: requestAnimationFrame intervals over ${p.plan.frameSeconds} s of playing from 25 % at 1× and at 8×. Heap: JS heap after a forced GC.`);
  L.push(`Load average (1 min, 2 cores) when the run began: ${p.load.before.toFixed(1)}; after each session: ${p.load.sessions.map((x) => x.toFixed(1)).join(', ')}.`);
  L.push('The machine is shared (other builds and tests run beside the benchmark): the same code measured twice in an hour moved');
  L.push('by up to 2× in seeks and first frames, and both arms show long frames in runs where it is busy. Compare the arms within');
  L.push('a run; the load averages say how busy it was. The seek and first-frame times are mostly rrweb rebuilding the page from');
  L.push('the keyframe before the target (the raw arm\'s seeks are nothing else); the fetch part is in brackets.');
  if (p.quick) L.push('', `> Quick run (\`bench-quick\`): ${p.plan.sessions.length} session (full: 4), ${p.plan.randomSeeks} random seeks (full: 20), ${p.plan.frameSeconds} s of frames (full: 15 s), one run per arm; figures are indicative only.`);
  L.push('"fetch" is the part spent waiting for event ranges (Tapedeck) or the whole window (raw rrweb), JSON parse included.');
  L.push('', '| session | arm | first frame at 0 (fetch) | at 50 % (fetch) | seek p50 (fetch p50) | p95 | max | 10 % | 50 % | 90 % | 100 % | 1×: frame p95 / max, > 50 ms | 8×: frame p95 / max, > 50 ms | heap after load | after seeks |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of p.workloads) {
    for (const arm of ['tapedeck', 'rrweb']) {
      const a = w.arms[arm];
      const s = seekStats(a.seeks);
      const f1 = a.frames1;
      const f8 = a.frames8;
      const fetchP50 = quantile(a.seeks.map((x) => x.fetchMs ?? 0), 0.5);
      L.push(`| ${w.name}${w.compacted ? '' : ' (not compacted)'} | ${arm === 'tapedeck' ? 'Tapedeck' : 'raw rrweb'} | ${ms(a.first.firstFrameMs)} (${ms(a.first.fetchMs)}) | ${ms(a.half.firstFrameMs)} (${ms(a.half.fetchMs)}) | ${ms(s.p50)} (${ms(fetchP50)}) | ${ms(s.p95)} | ${ms(s.max)} | ${ms(s.at('10 %'))} | ${ms(s.at('50 %'))} | ${ms(s.at('90 %'))} | ${ms(s.at('100 %'))} | ${ms(f1.p95)} / ${ms(f1.max)}, ${f1.over50} of ${f1.frames} | ${ms(f8.p95)} / ${ms(f8.max)}, ${f8.over50} of ${f8.frames} | ${mb(a.heapAfterLoad)} | ${mb(a.heapAfterSeeks)} |`);
    }
  }
  L.push('', '| session | budget: first frame < 300 ms (Tapedeck, at 0 / at 50 %) | any seek < 150 ms (Tapedeck max) | no frame > 50 ms at 1× (Tapedeck) |', '|---|---|---|---|');
  for (const w of p.workloads) {
    const a = w.arms.tapedeck;
    const first = Math.max(a.first.firstFrameMs, a.half.firstFrameMs);
    L.push(`| ${w.name} | ${ok(first < BUDGETS.firstFrameMs)} (${ms(a.first.firstFrameMs)} / ${ms(a.half.firstFrameMs)}) | ${ok(seekStats(a.seeks).max < BUDGETS.seekMs)} (${ms(seekStats(a.seeks).max)}) | ${ok(a.frames1.over50 === 0)} (max ${ms(a.frames1.max)}) |`);
  }
  const errors = p.workloads.flatMap((w) => Object.values(w.arms).flatMap((a) => a.errors));
  if (errors.length > 0) L.push('', `Page errors: ${errors.slice(0, 5).join('; ')}`);
  L.push(END);
  return L.join('\n');
}

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const log = (line) => console.error(`[player ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  let figures;
  if (option('--render')) {
    figures = JSON.parse(readFileSync(option('--render'), 'utf8'));
  } else {
    const result = await withTimeout('the player benchmark', quick ? 15 * 60_000 : 60 * 60_000, runPlayer({ quick, log }));
    const binary = process.env.TAPEDECK_BIN ? `TAPEDECK_BIN=${process.env.TAPEDECK_BIN} ` : '';
    figures = { ...result, date: new Date().toISOString(), command: `${binary}node bench/player.mjs${quick ? ' --quick' : ''}`, durationS: (Date.now() - started) / 1000, machine: machine() };
  }
  const section = renderPlayer(figures);
  console.log(section);
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(figures, null, 1));
  if (process.argv.includes('--write')) {
    const path = resolve(ROOT, 'docs/BENCHMARKS.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), 'player', section));
    log(`wrote the player section of ${path}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`[player] failed: ${error.stack ?? error}`);
      stopServer().finally(() => process.exit(1));
    },
  );
}
