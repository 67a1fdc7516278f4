#!/usr/bin/env node
/**
 * Entry of the benchmark suite: `node bench/run.mjs [--quick]` (`make bench` / `make bench-quick`).
 * Starts a real `tapedeck serve` and a loopback site, runs the recorder-overhead arms and the
 * checkout-interval measurement in headless Chromium, then the storage benchmark (bench/storage.mjs:
 * stored size and seek ranges of generated long sessions, on a server of its own), the player, the
 * sessions list, the footprint and the ingest load test, and writes docs/BENCHMARKS.md (the quick
 * run: bench/results/BENCHMARKS-quick.md, git-ignored; `--out FILE` overrides).
 * Everything listens on 127.0.0.1 only; every loop is bounded and every step has a timeout.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from '../e2e/lib/browser.mjs';
import { startServer } from '../e2e/lib/server.mjs';
import { runCheckout } from './checkout.mjs';
import { PAGES } from './interactions.mjs';
import { buildBundles, SDK_PATH, startSite } from './lib/site.mjs';
import { BENCH_SERVER_ENV, machine, option, withTimeout } from './lib/util.mjs';
import { runOverhead, summariseOverhead } from './overhead.mjs';
import { renderReport } from './report.mjs';
import { runPlayer, stopPlayerServer } from './player.mjs';
import { runSessionList } from './session-list.mjs';
import { runFootprint } from './footprint.mjs';
import { runIngestLoad } from './ingest-load.mjs';
import { runStorage, stopStorageServer } from './storage.mjs';

const QUICK = process.argv.includes('--quick');
/**
 * Where the report goes: the full run writes docs/BENCHMARKS.md; the quick one (fewer runs, smaller
 * data sets) writes beside the build output so it never replaces full figures; `--out FILE` overrides.
 */
const OUT = resolve(option('--out') ?? resolve(import.meta.dirname, QUICK ? '../bench/results/BENCHMARKS-quick.md' : '../docs/BENCHMARKS.md'));
const PLAN = QUICK
  // Quick: the typical form and the constantly mutating ticker (the 40k-cell grid's loads and seeks alone take minutes).
  ? { pages: ['form', 'ticker'], runs: 3, durationMs: 2_000, checkoutPages: ['ticker'], segmentMs: 6_000, seeks: 2 }
  : { pages: Object.keys(PAGES), runs: 5, durationMs: 10_000, checkoutPages: ['ticker', 'grid'], segmentMs: 30_000, seeks: 5 };
const OVERALL_LIMIT_MS = QUICK ? 14 * 60_000 : 90 * 60_000;

const started = Date.now();
/** Stops the browser, the site and the server; set once they run, so a timeout can call it too. */
let cleanup = async () => {};
const log = (line) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main() {
  if (!existsSync(SDK_PATH)) throw new Error(`${SDK_PATH} is missing: run \`npm run build -w @tapedeck/recorder\``);
  const sdkBytes = readFileSync(SDK_PATH);
  const sdk = { bytes: sdkBytes.length, gzip: gzipSync(sdkBytes, { level: 9 }).length, builtAt: statSync(SDK_PATH).mtime.toISOString() };
  const bundles = await buildBundles();
  const server = await startServer({ env: BENCH_SERVER_ENV });
  const site = await startSite(bundles, server);
  const browser = await launch();
  cleanup = async () => {
    await browser.close().catch(() => {});
    await site.close().catch(() => {});
    await server.stop().catch(() => {});
    await stopStorageServer();
    await stopPlayerServer();
  };
  try {
    log(`${QUICK ? 'quick' : 'full'} run: pages ${PLAN.pages.join(', ')}; ${PLAN.runs} rounds of ${PLAN.durationMs / 1000} s`);
    const raw = await runOverhead({ browser, site, pages: PLAN.pages, pageSpecs: PAGES, runs: PLAN.runs, durationMs: PLAN.durationMs, log });
    const overhead = summariseOverhead(raw);
    const checkout = await runCheckout({ browser, site, pages: PLAN.checkoutPages, pageSpecs: PAGES, segmentMs: PLAN.segmentMs, seeks: PLAN.seeks, log });
    // A failed storage part leaves its section "not measured" rather than losing the rest of the run.
    const storageStarted = Date.now();
    const storage = await runStorage({ quick: QUICK, log }).then(
      (result) => ({ ...result, date: new Date().toISOString(), command: `${QUICK ? 'make bench-quick' : 'make bench'} (its storage part)`, durationS: (Date.now() - storageStarted) / 1000, machine: machine() }),
      (error) => {
        log(`storage benchmark failed: ${error.stack ?? error}`);
        return { failed: String(error.message ?? error) };
      },
    );
    // The player benchmark (bench/player.mjs), on a server of its own; a failure leaves its section "not measured".
    const playerStarted = Date.now();
    const player = await runPlayer({ quick: QUICK, log, browser }).then(
      (result) => ({ ...result, date: new Date().toISOString(), command: `${QUICK ? 'make bench-quick' : 'make bench'} (its player part)`, durationS: (Date.now() - playerStarted) / 1000, machine: machine() }),
      (error) => {
        log(`player benchmark failed: ${error.stack ?? error}`);
        return { failed: String(error.message ?? error) };
      },
    );
    // The sessions-list benchmark (bench/session-list.mjs): SQLite, and PostgreSQL when TAPEDECK_TEST_POSTGRES_URL is set.
    const listStarted = Date.now();
    const sessionList = await runSessionList({ quick: QUICK, log, browser }).then(
      (result) => ({ ...result, date: new Date().toISOString(), command: `${QUICK ? 'make bench-quick' : 'make bench'} (its session-list part)`, durationS: (Date.now() - listStarted) / 1000, machine: machine() }),
      (error) => {
        log(`session-list benchmark failed: ${error.stack ?? error}`);
        return { failed: String(error.message ?? error) };
      },
    );
    // Footprint (bench/footprint.mjs): binary size, idle RSS, RSS under ingest load.
    const footprint = await runFootprint({ quick: QUICK, log }).then(
      (result) => ({ ...result, date: new Date().toISOString(), command: `${QUICK ? 'make bench-quick' : 'make bench'} (its footprint part)`, machine: machine() }),
      (error) => {
        log(`footprint benchmark failed: ${error.stack ?? error}`);
        return { failed: String(error.message ?? error) };
      },
    );
    // Ingest load test (bench/ingest-load.mjs): open loop, 10,000 recorders, beside a do-nothing sink.
    const ingestStarted = Date.now();
    const ingest = await runIngestLoad({ quick: QUICK, log }).then(
      (result) => ({ ...result, date: new Date().toISOString(), command: `${QUICK ? 'make bench-quick' : 'make bench'} (its ingest part)`, durationS: (Date.now() - ingestStarted) / 1000, machine: machine() }),
      (error) => {
        log(`ingest load test failed: ${error.stack ?? error}`);
        return { failed: String(error.message ?? error) };
      },
    );
    const markdown = renderReport({
      quick: QUICK,
      command: QUICK ? 'make bench-quick (node bench/run.mjs --quick)' : 'make bench (node bench/run.mjs)',
      date: new Date().toISOString(),
      durationS: (Date.now() - started) / 1000,
      machine: machine(),
      chromium: browser.version(),
      sdk,
      plan: PLAN,
      pages: PAGES,
      overhead,
      checkout,
      storage,
      player,
      sessionList,
      footprint,
      ingest,
    });
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, markdown);
    log(`wrote ${OUT}`);
  } finally {
    await cleanup();
  }
}

withTimeout('the whole benchmark', OVERALL_LIMIT_MS, main()).then(
  () => process.exit(0),
  async (error) => {
    console.error(`[bench] failed: ${error.stack ?? error}`);
    await withTimeout('cleanup', 15_000, cleanup()).catch(() => {});
    process.exit(1);
  },
);
