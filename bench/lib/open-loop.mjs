/**
 * The pure parts of the ingest load test (bench/ingest-load.mjs): the open-loop schedule, the
 * rate steps, the per-step figures and verdicts, /proc parsing and the lost-batch check. No I/O
 * here, so bench/test/ingest-load.test.mjs can pin them.
 *
 * Open loop: every send time is fixed before the step starts (wrk2's "constant throughput"), and
 * a request's latency runs from its *scheduled* time, not from when the client got round to it.
 * A server that stalls therefore shows the whole queue behind the stall in its percentiles rather
 * than the client politely waiting (coordinated omission).
 */
import { quantile } from './util.mjs';

/** The p99 budget of SPEC §9 (ingest) in milliseconds. */
export const P99_BUDGET_MS = 50;

/**
 * The total rates to try, in batches/s: `start`, then ×`factor` while at most `max`.
 * E.g. rateSteps({ start: 100, factor: 2, max: 800 }) → [100, 200, 400, 800].
 */
export function rateSteps({ start, factor = 2, max }) {
  if (!(start > 0) || !(factor > 1) || !(max >= start)) throw new Error(`bad rate steps: start ${start}, factor ${factor}, max ${max}`);
  const out = [];
  for (let rate = start; rate <= max; rate *= factor) out.push(rate);
  return out;
}

/**
 * The sends of one step at `rate` batches/s for `durationMs`, shared by `recorders` simulated
 * recorders: send i is at i / rate seconds and goes to recorder (firstRecorder + i) mod
 * recorders, so each recorder sends every recorders / rate seconds (its fixed cadence) and the
 * recorders' phases are spread evenly. `firstRecorder` continues the round-robin of the
 * previous step, so no recorder is favoured across steps.
 * Returns `{ atMs: Float64Array, recorder: Uint32Array, periodMs }`.
 */
export function scheduleStep({ rate, durationMs, recorders, firstRecorder = 0 }) {
  if (!(rate > 0) || !(durationMs > 0) || !(recorders >= 1)) throw new Error(`bad step: rate ${rate}, ${durationMs} ms, ${recorders} recorders`);
  const count = Math.floor((rate * durationMs) / 1000);
  const atMs = new Float64Array(count);
  const recorder = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    atMs[i] = (i * 1000) / rate;
    recorder[i] = (firstRecorder + i) % recorders;
  }
  return { atMs, recorder, periodMs: (recorders * 1000) / rate };
}

/**
 * The batch recorder `r` starts at in a template session of `length` batches: recorders are
 * mid-session when a run starts, spread evenly over the session by golden-ratio steps.
 */
export function startingBatch(r, length) {
  return Math.floor(((r * 0.6180339887498949) % 1) * length);
}

/**
 * The figures of one finished step. `latenciesMs` holds every request's time from its scheduled
 * send to its answer (Infinity for one that never finished), `statuses` its HTTP status or an
 * error name ('timeout', 'ECONNRESET', …). `wallMs` runs from the step's start to its last answer.
 */
export function summariseStep({ rate, durationMs, latenciesMs, statuses, wallMs }) {
  const errors = {};
  let ok = 0;
  for (const s of statuses) {
    if (typeof s === 'number' && s >= 200 && s < 300) ok++;
    else errors[s] = (errors[s] ?? 0) + 1;
  }
  const finite = Array.from(latenciesMs).filter(Number.isFinite);
  const unfinished = latenciesMs.length - finite.length;
  // An unfinished request is slower than every finished one: it counts in the quantiles as such.
  const all = unfinished ? [...finite, ...Array(unfinished).fill(Infinity)] : finite;
  return {
    rate,
    sent: statuses.length,
    offeredPerS: (statuses.length * 1000) / durationMs,
    ok,
    achievedPerS: wallMs > 0 ? (ok * 1000) / wallMs : NaN,
    errors,
    errorCount: statuses.length - ok,
    p50Ms: quantileAll(all, 0.5),
    p99Ms: quantileAll(all, 0.99),
    maxMs: all.length ? maxOf(all) : NaN,
  };
}

/** The largest value (a loop: spreading 200,000 latencies into Math.max overflows the stack). */
function maxOf(xs) {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Like `quantile`, but Infinity counts (an unfinished request is the slowest). */
function quantileAll(xs, q) {
  if (xs.length === 0) return NaN;
  if (xs.every(Number.isFinite)) return quantile(xs, q);
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Whether a step held the budget: every request answered 2xx and p99 under `p99LimitMs`. */
export function stepPasses(step, p99LimitMs = P99_BUDGET_MS) {
  return step.sent > 0 && step.errorCount === 0 && step.p99Ms < p99LimitMs;
}

/** Past this p99 a step over the budget ends the run even without errors: the target is queueing, not serving. */
export const GIVE_UP_P99_MS = 1_000;

/**
 * Whether to try the next rate after `step`. A step within the budget goes on; one over it on
 * latency alone goes on too while the target still keeps up (no errors, at least 90 % of the
 * offered rate achieved, p99 under GIVE_UP_P99_MS), so the table shows where throughput ends and
 * not only where the latency budget does; errors or saturation stop it.
 */
export function shouldContinue(step, p99LimitMs = P99_BUDGET_MS) {
  if (stepPasses(step, p99LimitMs)) return true;
  return step.errorCount === 0 && step.achievedPerS >= 0.9 * step.offeredPerS && step.p99Ms < GIVE_UP_P99_MS;
}

/**
 * The sustained rate: the highest offered rate of a passing step whose every lower step passed
 * too (a lucky step above a failed one does not count), or 0. `steps` are in rising order.
 */
export function sustainedRate(steps, p99LimitMs = P99_BUDGET_MS) {
  let best = 0;
  for (const s of steps) {
    if (!stepPasses(s, p99LimitMs)) break;
    best = s.offeredPerS;
  }
  return best;
}

/** The highest rate a target achieved in a step without errors, latency aside; 0 when none. */
export function peakAchieved(steps) {
  return steps.reduce((best, s) => (s.errorCount === 0 && Number.isFinite(s.achievedPerS) ? Math.max(best, s.achievedPerS) : best), 0);
}

/**
 * utime + stime of a process in clock ticks, from the text of /proc/PID/stat (the command name
 * in parentheses may hold spaces, so fields are counted after its closing parenthesis).
 */
export function cpuTicks(statText) {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) are utime and stime; after ")" the first field is number 3.
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

/** Resident set size in bytes from the text of /proc/PID/status. */
export function rssBytes(statusText) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(statusText)?.[1] ?? NaN) * 1024;
}

/**
 * The acknowledged batches the server does not have: `acked` and `stored` are iterables of
 * "session/seq" keys. Returns { acked, stored, lost: [keys…] }.
 */
export function lostBatches(acked, stored) {
  const have = new Set(stored);
  const lost = [];
  let count = 0;
  for (const key of acked) {
    count++;
    if (!have.has(key)) lost.push(key);
  }
  return { acked: count, stored: have.size, lost };
}
