/**
 * Seek-range measurement for the storage benchmark: the time for a client to fetch and decode
 * what a seek needs (docs/API.md: the server answers from the keyframe at or before `from`) — `GET /api/v1/sessions/{id}/events?from=MS&to=MS` with `Accept-Encoding:
 * gzip`, the body gunzipped and `JSON.parse`d — and the bytes it moved, beside the same for the
 * whole session (no range). Requests go one at a time over a keep-alive connection.
 */
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { rngFrom } from './fake-dom.mjs';
import { median } from './util.mjs';

/** A seek fetches from the keyframe before the target through this much after it (the player's look-ahead). */
export const SEEK_AHEAD_MS = 30_000;
const REQUEST_TIMEOUT_MS = 60_000;

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url, headers) {
  return new Promise((ok, fail) => {
    const req = request(url, { agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', fail);
    req.end();
  });
}

/** One events request, timed from sending it to the parsed JSON. */
export async function fetchEvents(base, cookie, sessionId, range = null) {
  const query = range ? `?from=${range.from}&to=${range.to}` : '';
  const started = performance.now();
  const res = await get(`${base}/api/v1/sessions/${sessionId}/events${query}`, { cookie, 'accept-encoding': 'gzip' });
  const received = performance.now();
  const encoding = res.headers['content-encoding'] ?? 'identity';
  const text = encoding === 'gzip' ? gunzipSync(res.body) : res.body;
  if (res.status !== 200) throw new Error(`GET events${query} answered ${res.status}: ${text.toString().slice(0, 300)}`);
  const parsed = JSON.parse(text);
  const ms = performance.now() - started;
  return { ms, decodeMs: performance.now() - received, wireBytes: res.body.length, decodedBytes: text.length, encoding, events: parsed.events.length, range: parsed.range };
}

export function p95(values) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  return xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
}

/**
 * Seeks at 10/50/90/100 % and `randomSeeks` seeded random positions of a session lasting
 * `durationMs`, each fetched `repeats` times in interleaved rounds (a point's time is its median,
 * so a burst of other work on a shared machine does not decide it; the slowest single fetch is
 * kept too), then `wholeRuns` fetches of the whole session. Returns per-position figures and the
 * statistics the report shows.
 */
export async function measureSeeks({ base, cookie, sessionId, durationMs, randomSeeks, wholeRuns, repeats = 3, seed = 'seeks' }) {
  const rng = rngFrom(seed);
  const named = [0.1, 0.5, 0.9, 1.0].map((f) => ({ label: `${f * 100} %`, at: Math.round(f * durationMs) }));
  const random = Array.from({ length: randomSeeks }, () => ({ label: 'random', at: Math.round(rng.next() * durationMs) }));
  const points = [...named, ...random];
  // One untimed request first, so the first timed one does not pay for the connection and login caches.
  await fetchEvents(base, cookie, sessionId, { from: 0, to: 1 });
  const runs = points.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (const [i, s] of points.entries()) runs[i].push(await fetchEvents(base, cookie, sessionId, { from: s.at, to: s.at + SEEK_AHEAD_MS }));
  }
  const seeks = points.map((s, i) => ({ ...s, ...runs[i][0], ms: median(runs[i].map((r) => r.ms)), decodeMs: median(runs[i].map((r) => r.decodeMs)) }));
  const whole = [];
  for (let i = 0; i < wholeRuns; i++) whole.push(await fetchEvents(base, cookie, sessionId));
  const all = seeks.map((s) => s.ms);
  return {
    named: seeks.slice(0, named.length),
    count: seeks.length,
    repeats,
    medianMs: median(all),
    p95Ms: p95(all),
    maxMs: Math.max(...all),
    slowestSingleMs: Math.max(...runs.flat().map((r) => r.ms)),
    medianWireBytes: median(seeks.map((s) => s.wireBytes)),
    maxWireBytes: Math.max(...seeks.map((s) => s.wireBytes)),
    medianEvents: median(seeks.map((s) => s.events)),
    medianDecodeMs: median(seeks.map((s) => s.decodeMs)),
    /** Seeks whose answer did not start at a keyframe (the player could not render from it alone). */
    withoutKeyframe: seeks.filter((s) => s.events > 0 && s.range?.keyframe_ms == null).length,
    encoding: seeks[0]?.encoding,
    whole: { runs: whole.length, medianMs: median(whole.map((w) => w.ms)), decodeMs: median(whole.map((w) => w.decodeMs)), wireBytes: whole[0]?.wireBytes, decodedBytes: whole[0]?.decodedBytes, events: whole[0]?.events },
  };
}
