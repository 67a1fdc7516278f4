/**
 * Checkout interval: stored bytes per minute vs. worst-case seek cost for periodic full snapshots
 * (rrweb `checkoutEveryNms`, the SDK's FULL_SNAPSHOT_INTERVAL_MS).
 *
 * Method (a shortened, simulated session): record a real segment of S seconds of a page with raw
 * rrweb and no checkouts, then
 * - bytes/min(T) = R + F × 60 s / T, where R is the stored size per minute of the segment's
 *   incremental events cut into 3 s batches (as the SDK sends them) and compressed per batch with
 *   zstd-3 (as the server stores them; gzip beside it), and F the stored size of one checkout
 *   (Meta + FullSnapshot, taken with `takeFullSnapshot(true)` at the end of the segment);
 * - seek(T) = time for a fresh Replayer to `pause(T − 100 ms)` on a session of one full snapshot
 *   followed by T of incremental events: the worst case, just before the next checkout; and the
 *   part the interval controls: a forward seek from just after the checkout to the same point,
 *   minus the same forward seek to 1 s after the checkout (fixed costs: the snapshot rebuild and
 *   rrweb's virtual DOM of the page are the same for every interval). When T > S
 *   the segment is repeated with shifted timestamps, which is only valid if it has no node
 *   additions or removals (checked; otherwise the figure is left out).
 * - checkout CPU: main-thread time of one `takeFullSnapshot(true)` on the live page.
 */
import { interact } from './interactions.mjs';
import { gzipBytes, median, sleep, withTimeout, zstdBytes } from './lib/util.mjs';

export const INTERVALS_MS = [30_000, 60_000, 120_000, 300_000];
const BATCH_MS = 3_000;
const SEEK_BEFORE_MS = 100;
/**
 * The floor: a seek 1 s after a checkout. Fresh, it is the rebuild of the snapshot; forward (from
 * 100 ms), it is the fixed cost of any forward seek — rrweb builds a virtual DOM of the whole
 * replayed document first — which no interval changes.
 */
const FLOOR_TARGET_MS = 1_000;

async function recordSegment(browser, site, name, file, segmentMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(5_000);
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/pages/${file}?arm=rrweb`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__pageReady && window.__events?.some((e) => e.type === 2), null, { timeout: 20_000 });
    await interact(page, name, segmentMs, { loopable: true });
    const json = await page.evaluate(() => {
      const events = window.__events.slice();
      const cpu = [];
      for (let k = 0; k < 3; k++) {
        const from = window.__events.length;
        const t = performance.now();
        rrwebRecord.takeFullSnapshot(true);
        cpu.push(performance.now() - t);
        if (k === 2) return JSON.stringify({ events, checkout: window.__events.slice(from), cpu });
      }
    });
    return JSON.parse(json);
  } finally {
    await context.close().catch(() => {});
  }
}

function hasNodeChurn(events) {
  return events.some((e) => e.type === 3 && e.data?.source === 0 && (e.data.adds?.length || e.data.removes?.length));
}

export async function runCheckout({ browser, site, pages, pageSpecs, segmentMs, seeks, log }) {
  const out = {};
  for (const name of pages) {
    const rec = await withTimeout(`record ${name}`, segmentMs + 60_000, recordSegment(browser, site, name, pageSpecs[name].file, segmentMs));
    const fullIndex = rec.events.findIndex((e) => e.type === 2);
    const segment = rec.events.slice(Math.max(0, fullIndex - 1));
    const t0 = segment[1].timestamp;
    const incrementals = segment.slice(2);
    const lastTs = incrementals.at(-1)?.timestamp ?? t0;
    const periodMs = Math.max(lastTs - t0 + 50, 1_000);
    const churn = hasNodeChurn(incrementals);
    // Stored and wire size of the incremental stream, per minute, in 3 s batches.
    const batches = new Map();
    for (const e of incrementals) {
      const k = Math.floor((e.timestamp - t0) / BATCH_MS);
      if (!batches.has(k)) batches.set(k, []);
      batches.get(k).push(e);
    }
    let incZstd = 0, incGzip = 0;
    for (const b of batches.values()) {
      const buf = Buffer.from(JSON.stringify(b));
      incZstd += zstdBytes(buf, 3);
      incGzip += gzipBytes(buf);
    }
    const minutes = periodMs / 60_000;
    const checkoutBuf = Buffer.from(JSON.stringify(rec.checkout));
    const F = { raw: checkoutBuf.length, zstd: zstdBytes(checkoutBuf, 3), gzip: gzipBytes(checkoutBuf) };
    const R = { zstd: incZstd / minutes, gzip: incGzip / minutes };
    log(`checkout ${name}: segment ${(periodMs / 1000).toFixed(1)} s, ${incrementals.length} events, snapshot ${(F.raw / 1024).toFixed(0)} KB raw / ${(F.zstd / 1024).toFixed(0)} KB zstd, churn=${churn}`);

    // Seeks, in a replay page of the same loopback site.
    const blob = `segment-${name}.json`;
    site.setBlob(blob, JSON.stringify({ events: segment, periodMs }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const rows = [];
    try {
      const page = await context.newPage();
      await page.goto(`${site.url}/pages/replay.html`);
      await page.evaluate((b) => window.loadSegment(b), blob);
      const seekAt = async (targetMs, sessionMs) => {
        const times = [], forward = [];
        let events = 0;
        for (let k = 0; k < seeks; k++) {
          const r = await withTimeout(`seek ${name} ${targetMs}`, 120_000, page.evaluate(([t, s]) => window.seek(t, s), [targetMs, sessionMs]));
          times.push(r.ms);
          forward.push(r.forwardMs);
          events = r.events;
        }
        return { ms: median(times), forwardMs: median(forward), events };
      };
      const best = await seekAt(FLOOR_TARGET_MS, FLOOR_TARGET_MS);
      for (const T of INTERVALS_MS) {
        const canSeek = T <= periodMs || !churn;
        const seek = canSeek ? await seekAt(T - SEEK_BEFORE_MS, T) : { ms: NaN, forwardMs: NaN, events: NaN };
        rows.push({
          intervalMs: T,
          storedPerMin: R.zstd + (F.zstd * 60_000) / T,
          gzipPerMin: R.gzip + (F.gzip * 60_000) / T,
          checkoutShare: (F.zstd * 60_000) / T / (R.zstd + (F.zstd * 60_000) / T),
          seekMs: seek.ms,
          forwardSeekMs: seek.forwardMs,
          intervalPartMs: seek.forwardMs - best.forwardMs,
          seekEvents: seek.events,
          checkoutCpuPerMinMs: (median(rec.cpu) * 60_000) / T,
        });
        log(`checkout ${name} T=${T / 1000}s: seek ${seek.ms.toFixed(0)} ms (forward from the checkout ${seek.forwardMs.toFixed(0)} ms) over ${seek.events} events`);
      }
      out[name] = { segmentMs: periodMs, events: incrementals.length, churn, F, R, bestSeekMs: best.ms, floorForwardMs: best.forwardMs, checkoutCpuMs: median(rec.cpu), rows };
    } finally {
      site.deleteBlob(blob);
      await context.close().catch(() => {});
    }
    await sleep(100);
  }
  return out;
}
