/**
 * Recorder overhead: each page under three arms — no recorder, raw `@rrweb/record` into an
 * array, Tapedeck's SDK with its real transport to a real `tapedeck serve` — interleaved (the arm
 * order rotates every round), each run in a fresh browser context. Per run: main-thread CPU from
 * CDP `Performance.getMetrics` (TaskDuration, ScriptDuration), long tasks, JS heap after a GC,
 * and for Tapedeck the ingest request bodies as sent on the wire.
 */
import { gunzipSync } from 'node:zlib';
import { interact } from './interactions.mjs';
import { gzipBytes, median, sleep, withTimeout, zstdBytes } from './lib/util.mjs';

export const ARMS = ['none', 'rrweb', 'tapedeck'];
const VIEWPORT = { width: 1280, height: 800 };
const READY_TIMEOUT_MS = 20_000;
const SETTLE_MS = 300;

const LONGTASK_OBSERVER = () => {
  window.__longtasks = { count: 0, ms: 0 };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { window.__longtasks.count++; window.__longtasks.ms += e.duration; }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long task API
  }
};

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** One run of `pageName` under `arm`; returns its figures. */
async function runOnce(browser, site, pageName, file, arm, durationMs) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(5_000);
  const ingest = [];
  try {
    await context.addInitScript(LONGTASK_OBSERVER);
    context.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/api/v1/ingest')) {
        ingest.push({ body: request.postDataBuffer(), encoding: request.headers()['content-encoding'] ?? '' });
      }
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
    const startedAt = Date.now();
    await page.goto(`${site.url}/pages/${file}?arm=${arm}`, { waitUntil: 'load' });
    const ready = {
      none: () => window.__pageReady === true,
      rrweb: () => window.__pageReady === true && window.__events?.some((e) => e.type === 2),
      tapedeck: () => window.__pageReady === true && !!window.Tapedeck?.recorder?.getSessionId(),
    }[arm];
    await page.waitForFunction(ready, null, { timeout: READY_TIMEOUT_MS });
    await sleep(SETTLE_MS);
    const m0 = await metrics(cdp);
    const steps = await interact(page, pageName, durationMs);
    const m1 = await metrics(cdp);
    const longtasks = await page.evaluate(() => window.__longtasks);
    let wire = null;
    if (arm === 'tapedeck') {
      await withTimeout('Tapedeck flush', 15_000, page.evaluate(() => window.Tapedeck.recorder.flush()));
      wire = summariseIngest(ingest, (Date.now() - startedAt) / 60_000);
    }
    const eventsCount = arm === 'rrweb' ? await page.evaluate(() => window.__events.length) : null;
    await cdp.send('HeapProfiler.collectGarbage');
    const m2 = await metrics(cdp);
    return {
      loadCpuMs: m0.TaskDuration * 1000,
      interactionCpuMs: (m1.TaskDuration - m0.TaskDuration) * 1000,
      totalCpuMs: m1.TaskDuration * 1000,
      scriptMs: m1.ScriptDuration * 1000,
      heapBytes: m2.JSHeapUsedSize,
      longTaskCount: longtasks?.count ?? NaN,
      longTaskMs: longtasks?.ms ?? NaN,
      steps,
      eventsCount,
      wire,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** Wire bytes vs. gzip of the same batches and stored (zstd-3 per batch) bytes, per minute. */
function summariseIngest(requests, minutes) {
  let wire = 0, json = 0, gzipSame = 0, stored = 0;
  const events = [];
  for (const { body, encoding } of requests) {
    if (body === null) continue;
    wire += body.length;
    const raw = encoding.includes('gzip') || (body[0] === 0x1f && body[1] === 0x8b) ? gunzipSync(body) : body;
    json += raw.length;
    gzipSame += gzipBytes(raw);
    try {
      const batch = JSON.parse(raw.toString('utf8'));
      const evs = batch.events ?? [];
      events.push(...evs);
      stored += zstdBytes(Buffer.from(JSON.stringify(evs)), 3);
    } catch {
      stored = NaN;
    }
  }
  const whole = zstdBytes(Buffer.from(JSON.stringify(events)), 19);
  return { requests: requests.length, minutes, wire, json, gzipSame, stored, zstd19Whole: whole };
}

/**
 * Runs `runs` rounds over `pages`, arms interleaved and rotated; returns per page and arm the list
 * of runs. `log` reports progress.
 */
export async function runOverhead({ browser, site, pages, pageSpecs, runs, durationMs, log }) {
  const results = {};
  for (const name of pages) results[name] = Object.fromEntries(ARMS.map((a) => [a, []]));
  for (let round = 0; round < runs; round++) {
    for (const name of pages) {
      const order = ARMS.map((_, k) => ARMS[(k + round) % ARMS.length]);
      for (const arm of order) {
        const t = Date.now();
        try {
          const r = await withTimeout(`${name}/${arm}`, durationMs + 60_000,
            runOnce(browser, site, name, pageSpecs[name].file, arm, durationMs));
          results[name][arm].push(r);
          log(`overhead round ${round + 1}/${runs} ${name}/${arm}: cpu ${r.totalCpuMs.toFixed(0)} ms, heap ${(r.heapBytes / 2 ** 20).toFixed(1)} MB (${Date.now() - t} ms)`);
        } catch (error) {
          log(`overhead round ${round + 1}/${runs} ${name}/${arm}: FAILED ${error.message.split('\n')[0]}`);
        }
      }
    }
  }
  return results;
}

/** Medians per page and arm of every numeric figure. */
export function summariseOverhead(results) {
  const out = {};
  for (const [name, arms] of Object.entries(results)) {
    out[name] = {};
    for (const [arm, runs] of Object.entries(arms)) {
      const pick = (f) => median(runs.map(f));
      out[name][arm] = {
        n: runs.length,
        loadCpuMs: pick((r) => r.loadCpuMs),
        interactionCpuMs: pick((r) => r.interactionCpuMs),
        totalCpuMs: pick((r) => r.totalCpuMs),
        scriptMs: pick((r) => r.scriptMs),
        heapBytes: pick((r) => r.heapBytes),
        longTaskCount: pick((r) => r.longTaskCount),
        longTaskMs: pick((r) => r.longTaskMs),
        eventsCount: pick((r) => r.eventsCount ?? NaN),
        wire: runs[0]?.wire ? {
          requests: pick((r) => r.wire.requests),
          wirePerMin: pick((r) => r.wire.wire / r.wire.minutes),
          jsonPerMin: pick((r) => r.wire.json / r.wire.minutes),
          gzipSamePerMin: pick((r) => r.wire.gzipSame / r.wire.minutes),
          storedPerMin: pick((r) => r.wire.stored / r.wire.minutes),
          zstd19PerMin: pick((r) => r.wire.zstd19Whole / r.wire.minutes),
          wireOverGzip: pick((r) => r.wire.wire / r.wire.gzipSame),
        } : null,
      };
    }
  }
  return out;
}
