#!/usr/bin/env node
/**
 * Footprint benchmark (issue 9 "Footprint"): what running Tapedeck costs a host — the binary's
 * size, the server's resident memory idle (SQLite + local disk, the default) and its peak while
 * ingesting generated sessions at full speed from 16 concurrent senders, with the batches/s it
 * sustained. Linux only (reads /proc/PID/status).
 *
 * `node bench/footprint.mjs [--quick] [--write] [--json FILE]` (TAPEDECK_BIN picks the server);
 * `--write` replaces its section of docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer } from '../e2e/lib/server.mjs';
import { generateBatches } from './lib/generate-session.mjs';
import { BENCH_SERVER_ENV, fmt, isDebugBuild, machine, option, sleep, spliceSection } from './lib/util.mjs';

const ROOT = resolve(import.meta.dirname, '..');
export const FOOTPRINT_PLANS = { quick: { loadSeconds: 5, senders: 16 }, full: { loadSeconds: 30, senders: 16 } };

/** The resident and peak resident set of process `pid`, in bytes. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function serverPid(dataDir) {
  const out = execFileSync('pgrep', ['-f', `serve --data-dir ${dataDir}`], { encoding: 'utf8' }).trim().split('\n');
  return Number(out[0]);
}

/** Pre-compressed batches of generated sessions (many sessions, so writes spread as in life). */
function bodies(count) {
  const out = [];
  for (let seed = 1; out.length < count; seed++) {
    for (const batch of generateBatches({ minutes: 10, profile: 'steady', seed, startMs: Date.now() - 11 * 60_000 })) {
      out.push(gzipSync(JSON.stringify(batch)));
      if (out.length >= count) break;
    }
  }
  return out;
}

export async function runFootprint({ quick, log }) {
  const plan = quick ? FOOTPRINT_PLANS.quick : FOOTPRINT_PLANS.full;
  const binary = process.env.TAPEDECK_BIN ?? resolve(ROOT, 'target/debug/tapedeck');
  const server = await startServer({ env: BENCH_SERVER_ENV });
  try {
    const pid = serverPid(server.dataDir);
    await sleep(5_000);
    const idle = memoryOf(pid);
    log(`footprint: idle RSS ${fmt.mb(idle.rss)}`);
    // More than the server can take in the time (it acknowledged ~350/s here), so the senders never run dry.
    const batches = bodies(plan.loadSeconds * 600);
    let next = 0;
    let acked = 0;
    let peak = idle.rss;
    const deadline = Date.now() + plan.loadSeconds * 1000;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(pid).rss);
    }, 100);
    const send = async () => {
      while (Date.now() < deadline && next < batches.length) {
        const body = batches[next++];
        const response = await fetch(`${server.url}/api/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-tapedeck-project': server.ingestKey },
          body,
        });
        await response.arrayBuffer();
        if (response.ok) acked++;
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: plan.senders }, send));
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    const after = memoryOf(pid);
    log(`footprint: ${acked} batches in ${seconds.toFixed(1)} s, peak RSS ${fmt.mb(Math.max(peak, after.hwm))}`);
    return {
      quick,
      plan,
      binary,
      binaryBytes: statSync(binary).size,
      debugBuild: isDebugBuild(binary),
      idleRss: idle.rss,
      loadPeakRss: Math.max(peak, after.hwm),
      afterLoadRss: after.rss,
      batches: acked,
      batchesPerSecond: acked / seconds,
      loadSeconds: seconds,
      ranDry: next >= batches.length,
    };
  } finally {
    await server.stop().catch(() => {});
  }
}

const START = '<!-- footprint:begin -->';
const END = '<!-- footprint:end -->';

export function renderFootprint(p) {
  const L = [START, '## Footprint — what one Tapedeck costs a host (no budget in SPEC §9; the peers need 8–16 GB)', ''];
  if (!p || p.failed) {
    L.push(`Not measured in this run${p?.failed ? ` (the footprint benchmark failed: ${p.failed})` : ''}.`, END);
    return L.join('\n');
  }
  L.push(`Measured by \`bench/footprint.mjs\` (${p.command}, ${p.date}; ${p.machine.model}, ${p.machine.cores} cores; server \`${p.binary}\`${(p.debugBuild ?? !/release/.test(p.binary)) ? ', a debug build' : ''}).`);
  L.push(`Default deployment (SQLite + local disk). Idle: 5 s after start. Under load: ${p.plan.senders} concurrent senders posting gzipped`);
  L.push(`batches of generated sessions as fast as the server acknowledges them for ${p.plan.loadSeconds} s (fsync per batch), RSS sampled every 100 ms.`);
  L.push('', '| binary | idle RSS | peak RSS under load | RSS after load | batches acknowledged | batches/s |', '|---|---|---|---|---|---|');
  L.push(`| ${fmt.mb(p.binaryBytes)} | ${fmt.mb(p.idleRss)} | ${fmt.mb(p.loadPeakRss)} | ${fmt.mb(p.afterLoadRss)} | ${p.batches} | ${p.batchesPerSecond.toFixed(0)} |`);
  if (p.ranDry) L.push('', `The senders ran out of prepared batches before the ${p.plan.loadSeconds} s were up: batches/s is a lower bound.`);
  L.push(END);
  return L.join('\n');
}

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const log = (line) => console.error(`[footprint ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  const result = await runFootprint({ quick, log });
  const binary = process.env.TAPEDECK_BIN ? `TAPEDECK_BIN=${process.env.TAPEDECK_BIN} ` : '';
  const figures = { ...result, date: new Date().toISOString(), command: `${binary}node bench/footprint.mjs${quick ? ' --quick' : ''}`, machine: machine() };
  const section = renderFootprint(figures);
  console.log(section);
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(figures, null, 1));
  if (process.argv.includes('--write')) {
    const path = resolve(ROOT, 'docs/BENCHMARKS.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), 'footprint', section));
    log(`wrote the footprint section of ${path}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`[footprint] failed: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
