#!/usr/bin/env node
/**
 * Ingest load test (issue 9 item 3, SPEC §9 "ingest"): an open-loop load generator on loopback
 * replaying generated recorder batches (bench/lib/generate-session.mjs, gzipped as the SDK sends
 * them) for 10,000 simulated recorders, stepping the total rate up until p99 > 50 ms or a request
 * fails — first against a do-nothing HTTP sink (the floor), then against a real `tapedeck serve`
 * (SQLite + local disk, the default deployment). Afterwards the server is killed (SIGKILL) and
 * every acknowledged (session, seq) is looked up in its segments table: acknowledged means durable.
 *
 * `node bench/ingest-load.mjs [--quick] [--write] [--json FILE] [--render FILE]` (TAPEDECK_BIN
 * picks the server; `--write` replaces its section of docs/BENCHMARKS.md; `--render FILE`
 * renders the `--json` figures of an earlier run instead of measuring). Linux only (/proc); needs the sqlite3 CLI
 * for the loss check. Everything listens on 127.0.0.1; every step and wait is bounded.
 *
 * One client process on the same 2 cores as the server: Node's http module with a keep-alive
 * agent of SOCKETS connections (a pool, as a proxy in front of a server would hold; 10,000
 * recorders' own connections are not opened). Send times are scheduled when a step starts and
 * latency runs from the scheduled time (bench/lib/open-loop.mjs), so a client that falls behind
 * shows up as latency, and its own CPU is reported beside the server's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { login, startServer } from '../e2e/lib/server.mjs';
import { bodyFor, prepareTemplate } from './lib/batch-bodies.mjs';
import { generateBatches } from './lib/generate-session.mjs';
import { cpuTicks, GIVE_UP_P99_MS, lostBatches, P99_BUDGET_MS, peakAchieved, rateSteps, rssBytes, scheduleStep, shouldContinue, startingBatch, stepPasses, summariseStep, sustainedRate } from './lib/open-loop.mjs';
import { BENCH_SERVER_ENV, fmt, isDebugBuild, machine, option, sleep, spliceSection } from './lib/util.mjs';

const ROOT = resolve(import.meta.dirname, '..');
/** SPEC §9: batches/s sustained on 2 cores at p99 < 50 ms. */
export const SUSTAINED_BUDGET = 5_000;
export const INGEST_PLANS = {
  quick: { recorders: 10_000, stepSeconds: 3, warmupSeconds: 1, rates: { start: 25, factor: 4, max: 6_400 }, drainSeconds: 2, templates: 6, apiSample: 50, costBatches: 10 },
  full: { recorders: 10_000, stepSeconds: 15, warmupSeconds: 5, rates: { start: 25, factor: 2, max: 51_200 }, drainSeconds: 10, templates: 8, apiSample: 200, costBatches: 100 },
};
/** Connections the client keeps open to the target (`--sockets N` overrides). */
const SOCKETS = Number(option('--sockets') ?? 256);
const WINDOW_ID = 'w-load';
/**
 * Requests in flight or queued in the client beyond which a due send is not made but counted as
 * an error ('client backlog'): an overwhelmed target must not drag the client (and the next
 * step or target) down with an unbounded queue.
 */
const MAX_PENDING = 5_000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Template batches: generated 10-minute sessions, steady and heavy alternately, each recorder
 * replaying one of them (its first batch holds the Meta + FullSnapshot) under its own session id.
 */
function templates(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const profile = i % 2 ? 'heavy' : 'steady';
    const batches = [...generateBatches({ minutes: 10, profile, seed: 100 + i, startMs: Date.now() - 11 * 60_000 })].map(prepareTemplate);
    out.push({ profile, batches });
  }
  return out;
}

const readProc = (pid, file) => readFileSync(`/proc/${pid}/${file}`, 'utf8');

/** Starts the do-nothing sink as a child process; returns { port, pid, stop }. */
async function startSink() {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'lib/http-sink.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the sink did not start within 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.once('exit', (code) => fail(new Error(`the sink exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

function serverPid(dataDir) {
  return Number(execFileSync('pgrep', ['-f', `serve --data-dir ${dataDir}`], { encoding: 'utf8' }).trim().split('\n')[0]);
}

/**
 * Runs the rate steps against one target ({ name, port, pid, ingestKey }) until a step fails.
 * `acked` (optional, see `newAcked`) collects every 2xx answer.
 */
async function runSteps({ target, plan, tpls, log, acked }) {
  // Recorders are already mid-session when the run starts, at points spread over their template
  // (so full snapshots come at the template's own share, not all at once as 10,000 session starts).
  const seq = Uint32Array.from({ length: plan.recorders }, (_, r) => startingBatch(r, tpls[r % tpls.length].batches.length));
  const generation = new Uint32Array(plan.recorders);
  const steps = [];
  let firstRecorder = 0;
  let warmupSent = 0;
  let agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
  // A warm-up at the first rate, not reported: connections opened, caches and the server's pools filled.
  const ladder = [{ rate: plan.rates.start, warmup: true }, ...rateSteps(plan.rates).map((rate) => ({ rate, warmup: false }))];
  for (const { rate, warmup } of ladder) {
    const durationMs = (warmup ? plan.warmupSeconds : plan.stepSeconds) * 1000;
    const schedule = scheduleStep({ rate, durationMs, recorders: plan.recorders, firstRecorder });
    firstRecorder = (firstRecorder + schedule.atMs.length) % plan.recorders;
    const n = schedule.atMs.length;
    const latencies = new Float64Array(n).fill(Infinity);
    const statuses = new Array(n).fill('timeout');
    let pending = 0;
    const inflight = new Set();
    let lastDone = 0;
    let open = true;
    let wake = null;

    const ticks0 = cpuTicks(readProc(target.pid, 'stat'));
    const client0 = process.cpuUsage();
    let rssPeak = rssBytes(readProc(target.pid, 'status'));
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssBytes(readProc(target.pid, 'status')));
    }, 250);
    const start = performance.now() + 20;

    const send = (i) => {
      const r = schedule.recorder[i];
      const tpl = tpls[r % tpls.length];
      // A recorder whose template session is used up starts a new session, as the SDK would after 2 hours.
      if (seq[r] >= tpl.batches.length) {
        generation[r]++;
        seq[r] = 0;
      }
      const s = seq[r]++;
      const sessionId = `load-${r}-${generation[r]}`;
      const { body, gzip } = bodyFor(tpl.batches[s], sessionId, WINDOW_ID, s);
      const headers = { 'content-type': 'application/json', 'content-length': body.length, 'x-tapedeck-project': target.ingestKey ?? 'sink' };
      if (gzip) headers['content-encoding'] = 'gzip';
      if (pending >= MAX_PENDING) {
        statuses[i] = 'client backlog';
        return;
      }
      pending++;
      let req = null;
      const done = (status) => {
        inflight.delete(req);
        if (!open) return;
        const now = performance.now();
        latencies[i] = now - (start + schedule.atMs[i]);
        statuses[i] = status;
        lastDone = Math.max(lastDone, now);
        if (acked && status >= 200 && status < 300) acked.add(sessionId, s, tpl.batches[s].events);
        if (--pending === 0 && wake) wake();
      };
      req = request({ agent, host: '127.0.0.1', port: target.port, path: '/api/v1/ingest', method: 'POST', headers }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode));
        res.on('error', (e) => done(e.code ?? 'error'));
      });
      req.on('error', (e) => done(e.code ?? 'error'));
      inflight.add(req);
      req.end(body);
    };

    // Dispatch: every millisecond or so, send whatever is due (a timer, not a busy loop: the client shares 2 cores).
    let next = 0;
    await new Promise((ok) => {
      const tick = () => {
        const now = performance.now() - start;
        while (next < n && schedule.atMs[next] <= now) send(next++);
        if (next < n) setTimeout(tick, Math.max(1, Math.min(5, schedule.atMs[next] - now)));
        else ok();
      };
      setTimeout(tick, 20);
    });
    // Drain: what is still in flight gets `drainSeconds`; what is left then counts as a timeout.
    if (pending > 0) {
      await new Promise((ok) => {
        const timer = setTimeout(ok, plan.drainSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          ok();
        };
      });
    }
    open = false;
    clearInterval(sampler);
    const end = performance.now();
    const unfinished = pending;
    if (unfinished > 0) {
      // Drop the queue and its connections, so the next step or target starts clean.
      for (const req of inflight) req.destroy();
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
    }
    const wallMs = (lastDone || end) - start;
    const cpuS = (cpuTicks(readProc(target.pid, 'stat')) - ticks0) / CLK_TCK;
    const client = process.cpuUsage(client0);
    const step = {
      ...summariseStep({ rate, durationMs, latenciesMs: latencies, statuses, wallMs }),
      periodS: schedule.periodMs / 1000,
      serverCpu: cpuS / ((end - start) / 1000),
      // CPU time per acknowledged batch: the cost the rate budget divides 2 cores by, and less noisy than latency.
      serverCpuMsPerBatch: step0Ok(cpuS, statuses),
      serverRssPeak: rssPeak,
      clientCpu: (client.user + client.system) / 1e3 / (end - start),
      load: loadavg()[0],
      unfinished,
    };
    step.passed = stepPasses(step);
    if (warmup) warmupSent = step.sent;
    else steps.push(step);
    log(`ingest ${target.name}${warmup ? ' (warm-up)' : ''}: ${rate}/s → ${step.achievedPerS.toFixed(0)}/s achieved, p50 ${fmt.ms(step.p50Ms)}, p99 ${fmt.ms(step.p99Ms)}, max ${fmt.ms(step.maxMs)}, errors ${JSON.stringify(step.errors)}, server CPU ${(step.serverCpu * 100).toFixed(0)} %, client CPU ${(step.clientCpu * 100).toFixed(0)} %, load ${step.load.toFixed(1)}`);
    if (!warmup && !shouldContinue(step)) break;
    await sleep(1_000);
  }
  agent.destroy();
  return { steps, sustained: sustainedRate(steps), peakAchieved: peakAchieved(steps), recordersUsed: Math.min(plan.recorders, warmupSent + steps.reduce((a, s) => a + s.sent, 0)) };
}

/**
 * What one batch costs the server, by kind: `count` batches of each kind posted one at a time
 * (closed loop, nothing else in flight) to new sessions, with the server's CPU time and the wall
 * time per batch. The load steps mix the kinds as the templates do; this says which one the CPU goes to.
 */
async function costPerBatchKind({ target, tpls, count, acked }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const kinds = [
    ['incremental only', (b) => !b.fullSnapshot],
    ['with a full snapshot', (b) => b.fullSnapshot],
  ];
  const out = [];
  try {
    for (const [name, pick] of kinds) {
      const batches = tpls.flatMap((t) => t.batches.filter(pick));
      const ticks0 = cpuTicks(readProc(target.pid, 'stat'));
      const t0 = performance.now();
      let ok = 0;
      for (let i = 0; i < count; i++) {
        const template = batches[i % batches.length];
        const sessionId = `cost-${out.length}-${i}`;
        const { body, gzip } = bodyFor(template, sessionId, WINDOW_ID, 0);
        const headers = { 'content-type': 'application/json', 'content-length': body.length, 'x-tapedeck-project': target.ingestKey };
        if (gzip) headers['content-encoding'] = 'gzip';
        const status = await new Promise((done) => {
          const req = request({ agent, host: '127.0.0.1', port: target.port, path: '/api/v1/ingest', method: 'POST', headers }, (res) => {
            res.resume();
            res.on('end', () => done(res.statusCode));
          });
          req.on('error', (e) => done(e.code ?? 'error'));
          req.end(body);
        });
        if (status >= 200 && status < 300) {
          ok++;
          acked.add(sessionId, 0, template.events);
        }
      }
      const used = batches.slice(0, Math.min(count, batches.length));
      out.push({
        kind: name,
        count,
        ok,
        jsonBytes: used.reduce((a, b) => a + b.jsonBytes, 0) / used.length,
        share: batches.length / tpls.reduce((a, t) => a + t.batches.length, 0),
        cpuMsPerBatch: ((cpuTicks(readProc(target.pid, 'stat')) - ticks0) * 1000) / CLK_TCK / count,
        wallMsPerBatch: (performance.now() - t0) / count,
      });
    }
  } finally {
    agent.destroy();
  }
  return out;
}

/**
 * Waits until process `pid` used under 5 % of a core over a second (at most `maxMs`): the
 * requests an overloaded step left in the server are done before the next measurement.
 */
async function waitIdle(pid, maxMs) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const t0 = cpuTicks(readProc(pid, 'stat'));
    await sleep(1_000);
    if ((cpuTicks(readProc(pid, 'stat')) - t0) / CLK_TCK < 0.05) return;
  }
}

/** Milliseconds of target CPU per 2xx answer of a step. */
function step0Ok(cpuS, statuses) {
  const ok = statuses.filter((x) => x >= 200 && x < 300).length;
  return ok > 0 ? (cpuS * 1000) / ok : NaN;
}

/** What the server acknowledged: "session/seq" keys, and the events acknowledged per session. */
function newAcked() {
  const keys = [];
  const events = new Map();
  return {
    keys,
    events,
    add(sessionId, seq, count) {
      keys.push(`${sessionId}/${seq}`);
      events.set(sessionId, (events.get(sessionId) ?? 0) + count);
    },
  };
}

/** The "session/seq" pairs of the segments table of a SQLite data dir (sqlite3 CLI, read-only). */
function storedPairs(dataDir) {
  const out = execFileSync('sqlite3', ['-readonly', join(dataDir, 'tapedeck.db'), `SELECT session_id || '/' || seq FROM segments WHERE window_id = '${WINDOW_ID}';`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter(Boolean);
}

/**
 * Through the API (owner login) after a restart: each sampled session's event_count is at least
 * the events of its acknowledged batches. Returns { sessions, short: [ids…] }.
 */
async function checkThroughApi(server, acked, sample) {
  const expected = acked.events;
  const ids = [...expected.keys()];
  const step = Math.max(1, Math.floor(ids.length / sample));
  const cookie = await login(server.url);
  const short = [];
  let sessions = 0;
  for (let i = 0; i < ids.length && sessions < sample; i += step) {
    sessions++;
    const response = await fetch(`${server.url}/api/v1/sessions/${ids[i]}`, { headers: { cookie } });
    const session = response.ok ? await response.json() : null;
    if (!session || session.event_count < expected.get(ids[i])) short.push(ids[i]);
  }
  return { sessions, short };
}

export async function runIngestLoad({ quick, log }) {
  const base = quick ? INGEST_PLANS.quick : INGEST_PLANS.full;
  const plan = { ...base, recorders: Number(option('--recorders') ?? base.recorders) };
  const binary = process.env.TAPEDECK_BIN ?? resolve(ROOT, 'target/debug/tapedeck');
  const tpls = templates(plan.templates);
  const loadBefore = loadavg()[0];
  log(`ingest: ${plan.recorders.toLocaleString('en')} recorders, steps of ${plan.stepSeconds} s from ${plan.rates.start}/s; load ${loadBefore.toFixed(1)}`);

  const sink = await startSink();
  let sinkRun;
  try {
    sinkRun = await runSteps({ target: { name: 'sink', port: sink.port, pid: sink.pid }, plan, tpls, log });
  } finally {
    await sink.stop();
  }

  // Compaction off for the run (sessions never go idle), so the segments table holds every stored batch.
  const server = await startServer({ env: { TAPEDECK_SESSION_IDLE_SECS: '86400', ...BENCH_SERVER_ENV } });
  try {
    const pid = serverPid(server.dataDir);
    const target = { name: 'tapedeck', port: Number(new URL(server.url).port), pid, ingestKey: server.ingestKey };
    const acked = newAcked();
    const tapedeckRun = await runSteps({ target, plan, tpls, log, acked });
    await waitIdle(pid, 60_000);
    const costs = await costPerBatchKind({ target, tpls, count: plan.costBatches, acked });
    for (const c of costs) log(`ingest: cost of a batch ${c.kind}: ${c.cpuMsPerBatch.toFixed(1)} ms CPU, ${c.wallMsPerBatch.toFixed(1)} ms wall`);
    // Crash the server: an acknowledged batch must survive that.
    await server.kill();
    const loss = lostBatches(acked.keys, storedPairs(server.dataDir));
    await server.start();
    const api = await checkThroughApi(server, acked, plan.apiSample);
    log(`ingest: ${loss.acked} acknowledged, ${loss.lost.length} not stored after SIGKILL; API: ${api.short.length} of ${api.sessions} sampled sessions short`);
    return {
      quick,
      plan,
      sockets: SOCKETS,
      binary,
      binaryBuiltAt: statSync(binary).mtime.toISOString(),
      debugBuild: isDebugBuild(binary),
      templates: tpls.map((t) => ({ profile: t.profile, batches: t.batches.length })),
      loadBefore,
      loadAfter: loadavg()[0],
      sink: sinkRun,
      tapedeck: tapedeckRun,
      costs,
      loss: { acked: loss.acked, storedRows: loss.stored, lost: loss.lost.length, examples: loss.lost.slice(0, 5) },
      api,
    };
  } finally {
    await server.stop().catch(() => {});
  }
}

// ---- Rendering ----

const START = '<!-- ingest:begin -->';
const END = '<!-- ingest:end -->';
const rate = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '—');
const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '—');
const errorsText = (e) => (Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${k}: ${v}`).join(', ') : '0');
/** A latency; Infinity is a request still unanswered when the step's drain ran out. */
const lat = (v) => (v === Infinity ? 'unanswered' : fmt.ms(v));
const verdict = (pass) => (pass ? '✓ within budget' : '✗ over budget');

export function renderIngest(p) {
  const L = [START, `## Ingest — budget ≥ ${SUSTAINED_BUDGET.toLocaleString('en')} batches/s sustained on 2 cores, p99 < ${P99_BUDGET_MS} ms, 10,000 concurrent recorders, zero loss`, ''];
  if (!p || p.failed) {
    L.push(`Not measured in this run${p?.failed ? ` (the ingest load test failed: ${p.failed})` : ''}.`, END);
    return L.join('\n');
  }
  const m = p.machine;
  const plan = p.plan;
  L.push(`Measured by \`bench/ingest-load.mjs\` (${p.command}, ${p.date}; ${m.model}, ${m.cores} cores; server \`${p.binary}\`${(p.debugBuild ?? !/release|tapedeck-bench/.test(p.binary)) ? ', a debug build' : ', release build'}${p.binaryBuiltAt ? ` of ${p.binaryBuiltAt}` : ''}).`);
  if (p.quick) {
    const full = INGEST_PLANS.full;
    L.push('', `> Quick run: steps of ${plan.stepSeconds} s from ${plan.rates.start}/s, ×${plan.rates.factor} (full: ${full.stepSeconds} s from ${full.rates.start}/s, ×${full.rates.factor}); the p99 of a short step rests on few requests.`);
  }
  L.push('');
  L.push(`Open loop on loopback: ${plan.recorders.toLocaleString('en')} simulated recorders, each with its own session id, each replaying one of`);
  L.push(`${p.templates.length} generated 10-minute sessions (\`bench/lib/generate-session.mjs\`, steady and heavy alternately; the first batch holds`);
  L.push('the full snapshot) at a fixed cadence (recorders ÷ rate: 100 s at 100/s, 2 s at 5,000/s), phases spread evenly. Bodies are');
  L.push('what the SDK sends: gzip from 1 KiB, plain JSON below (`bench/lib/batch-bodies.mjs`). Each step runs at a total rate');
  L.push(`for ${plan.stepSeconds} s (after ${plan.warmupSeconds} s of unreported warm-up at the first rate), ×${plan.rates.factor} each step. A step passes with p99 < ${P99_BUDGET_MS} ms and every`);
  L.push(`request 2xx (unanswered ${plan.drainSeconds} s after the step = timeout); the sustained rate is the highest passing step. Past the latency`);
  L.push(`budget the steps go on while the target keeps up (no errors, ≥ 90 % of the offered rate, p99 < ${GIVE_UP_P99_MS / 1000} s), to show where throughput ends.`);
  L.push('Send times are fixed in advance and latency runs from the scheduled time, so queueing anywhere — the server, the');
  L.push(`client's ${p.sockets}-connection keep-alive pool, the client's own event loop — counts (no coordinated omission). The client is one`);
  L.push('Node process on the same 2 cores (its CPU is shown: near 100 % it, not the target, is the limit). Server CPU is utime + stime from');
  L.push('`/proc/PID/stat` over the step (100 % = one core); per batch, that CPU time ÷ 2xx answers — what the rate budget divides');
  L.push('2 cores by, and the least noisy figure here; RSS is the peak sampled every 250 ms.');
  L.push(`- **sink**: \`bench/lib/http-sink.mjs\`, Node's http module reading each body and answering 200 — no decoding, no storage. A Node`);
  L.push('  sink, not a Rust/hyper one (not built, to keep a second Rust build off the shared machine): single-threaded, so a floor');
  L.push('  that a Rust sink would likely beat;');
  L.push('- **Tapedeck**: `tapedeck serve`, SQLite + local disk (the default), each batch decoded, checked, privacy-scrubbed, its');
  L.push('  blob written and fsynced and its row committed before the 2xx; compaction held off during the run');
  L.push('  (`TAPEDECK_SESSION_IDLE_SECS=86400`) and the per-key ingest rate limit at its maximum (`TAPEDECK_INGEST_RATE_LIMIT_PER_MINUTE=1000000`).');
  L.push(`Load average (1 min, ${m.cores} cores): ${p.loadBefore.toFixed(1)} when the run began, ${p.loadAfter.toFixed(1)} at its end; per step below. The machine is shared`);
  L.push('(other builds ran beside it): compare the two targets within this run, not absolute rates across runs.', '');
  L.push('| target | offered batches/s | requests | achieved batches/s | p50 | p99 | max | errors | server CPU | server CPU per batch | server RSS (peak) | client CPU | load | p99 < 50 ms, no errors |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, run] of [['sink', p.sink], ['Tapedeck', p.tapedeck]]) {
    for (const s of run.steps) {
      L.push(`| ${name} | ${rate(s.offeredPerS)} | ${s.sent.toLocaleString('en')} | ${rate(s.achievedPerS)} | ${lat(s.p50Ms)} | ${lat(s.p99Ms)} | ${lat(s.maxMs)} | ${errorsText(s.errors)} | ${pct(s.serverCpu)} | ${fmt.ms(s.serverCpuMsPerBatch)} | ${fmt.mb(s.serverRssPeak)} | ${pct(s.clientCpu)} | ${s.load.toFixed(1)} | ${s.passed ? '✓' : '✗'} |`);
    }
  }
  const t = p.tapedeck;
  const share = (a, b) => (b > 0 ? `${((a / b) * 100).toFixed(a / b < 0.1 ? 1 : 0)} %` : '—');
  const sinkTop = p.sink.steps.at(-1);
  const sinkCapped = sinkTop?.passed;
  L.push('');
  L.push('| | sustained batches/s (highest step passing, every lower one too) | ÷ sink | highest achieved batches/s in a step without errors | ÷ sink | budget | |');
  L.push('|---|---|---|---|---|---|---|');
  L.push(`| sink (floor) | ${rate(p.sink.sustained)}${sinkCapped ? ' (every step passed: the plan\'s top rate, not its limit)' : ''} | | ${rate(p.sink.peakAchieved)} | | | |`);
  L.push(`| Tapedeck | ${rate(t.sustained)} | ${share(t.sustained, p.sink.sustained)} | ${rate(t.peakAchieved)} | ${share(t.peakAchieved, p.sink.peakAchieved)} | ≥ ${SUSTAINED_BUDGET.toLocaleString('en')} batches/s at p99 < ${P99_BUDGET_MS} ms | ${verdict(t.sustained >= SUSTAINED_BUDGET)} |`);
  L.push(`| Tapedeck: recorders | ${t.recordersUsed.toLocaleString('en')} of ${plan.recorders.toLocaleString('en')} sent a batch within the run | | | | 10,000 concurrent recorders | ${t.recordersUsed >= 10_000 ? '✓' : '✗ a recorder sends every recorders ÷ rate seconds: at these rates not all came round'} |`);
  L.push(`| Tapedeck: loss | ${p.loss.lost} of ${p.loss.acked.toLocaleString('en')} acknowledged batches missing from the segments table after SIGKILL | | | | zero loss | ${verdict(p.loss.lost === 0)} |`);
  const perBatch = t.steps.map((s) => s.serverCpuMsPerBatch).filter(Number.isFinite);
  if (perBatch.length) {
    const cpuMs = perBatch.reduce((a, b) => a + b, 0) / perBatch.length;
    L.push('', `Tapedeck used ${fmt.ms(cpuMs)} of CPU per acknowledged batch on average over its steps; the budget's ${SUSTAINED_BUDGET.toLocaleString('en')} batches/s on 2 cores`);
    L.push(`allows ${fmt.ms(2000 / SUSTAINED_BUDGET)} (${(cpuMs / (2000 / SUSTAINED_BUDGET)).toFixed(0)}× less), so CPU alone caps it near ${rate(2000 / cpuMs)} batches/s with both cores and nothing else running.`);
  }
  const backlog = [...p.sink.steps, ...t.steps].filter((s) => s.errors['client backlog']);
  if (backlog.length) L.push('', `In ${backlog.length} step(s) the client fell ${MAX_PENDING.toLocaleString('en')} requests behind and stopped sending ("client backlog"): there the generator, not the target, set the limit.`);
  L.push('');
  L.push(`Loss check: after the last step the server was killed with SIGKILL and every acknowledged (session, seq) was looked up in`);
  L.push(`its SQLite \`segments\` table (${p.loss.storedRows.toLocaleString('en')} rows); then it was started again and ${p.api.sessions} sampled sessions fetched through`);
  L.push(`\`GET /api/v1/sessions/{id}\` (owner login): ${p.api.short.length === 0 ? 'each' : `${p.api.short.length} did not:`} had at least the events of its acknowledged batches.`);
  if (p.costs) {
    L.push('', 'Where the server\'s time goes, per batch kind: batches posted one at a time (nothing else in flight) to new sessions,');
    L.push('the server\'s CPU time and the wall time (fsync included) per batch. The load steps above mix the kinds in the templates\' shares.', '');
    L.push('| batch | share of the templates\' batches | JSON (mean) | batches posted | server CPU per batch | wall time per batch |', '|---|---|---|---|---|---|');
    for (const c of p.costs) L.push(`| ${c.kind} | ${pct(c.share)} | ${fmt.kb(c.jsonBytes)} | ${c.ok} of ${c.count} | ${fmt.ms(c.cpuMsPerBatch)} | ${fmt.ms(c.wallMsPerBatch)} |`);
  }
  if (p.loss.lost > 0) L.push('', `**Lost: ${p.loss.lost} acknowledged batches** (e.g. ${p.loss.examples.join(', ')}).`);
  const clientBound = [...p.sink.steps, ...t.steps].filter((s) => s.clientCpu > 0.85);
  if (clientBound.length) L.push('', `In ${clientBound.length} step(s) the client used over 85 % of a core: there the generator, not the target, may be what failed.`);
  L.push(END);
  return L.join('\n');
}

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const log = (line) => console.error(`[ingest ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  let figures;
  if (option('--render')) {
    // Re-renders the figures of an earlier run (its --json file) without measuring again.
    figures = JSON.parse(readFileSync(option('--render'), 'utf8'));
  } else {
    const result = await runIngestLoad({ quick, log });
    const binary = process.env.TAPEDECK_BIN ? `TAPEDECK_BIN=${process.env.TAPEDECK_BIN} ` : '';
    figures = { ...result, date: new Date().toISOString(), command: `${binary}node bench/ingest-load.mjs${quick ? ' --quick' : ''}`, durationS: (Date.now() - started) / 1000, machine: machine() };
  }
  const section = renderIngest(figures);
  console.log(section);
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(figures, null, 1));
  if (process.argv.includes('--write')) {
    const path = resolve(ROOT, 'docs/BENCHMARKS.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), 'ingest', section));
    log(`wrote the ingest section of ${path}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`[ingest] failed: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
