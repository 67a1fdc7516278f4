// Delivery that loses nothing, in real Chromium against a real server: clicks made while the
// browser is offline, while the server is stopped, or while it is stopped across a reload of the
// page all end up in the stored recording once the way is clear again (the recorder keeps
// unacknowledged batches in IndexedDB and retries; the server stores each (session, window, seq)
// once).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { poll } from '../lib/poll.mjs';
import { login, startServer } from '../lib/server.mjs';
import { serveDirectory } from '../lib/static-server.mjs';

const POLL_TIMEOUT_MS = 60_000;
const pollLong = (what, fn) => poll(what, fn, { timeoutMs: POLL_TIMEOUT_MS, intervalMs: 300 });
/** Longer than the recorder's FLUSH_INTERVAL_MS, so the clicks are sealed into batches. */
const SEAL_WAIT_MS = 3_500;
const CLICKS = 5;

let server;
let site;
let browser;

before(async () => {
  server = await startServer();
  site = await serveDirectory(resolve(import.meta.dirname, '../fixtures'), {
    '{{TAPEDECK}}': server.url,
    '{{INGEST_KEY}}': server.ingestKey,
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});


/** Returns the stored rrweb events of a session ([] while it is unknown). */
async function storedEvents(sessionId) {
  const cookie = await login(server.url);
  const response = await fetch(`${server.url}/api/v1/sessions/${sessionId}/events`, { headers: { cookie } });
  if (!response.ok) return [];
  return (await response.json()).events;
}

const isClick = (e) => e.type === 3 && e.data?.source === 2 && e.data?.type === 2;

async function clickCount(sessionId) {
  return (await storedEvents(sessionId)).filter(isClick).length;
}

/** Opens the fixture page in a fresh context and waits until its first batches are stored. */
async function openRecordedPage() {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  const page = await context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  const sessionId = await page.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await page.evaluate(() => window.Tapedeck.recorder.flush());
  await pollLong('the full snapshot', async () => (await storedEvents(sessionId)).some((e) => e.type === 2));
  return { context, page, sessionId };
}

async function clickAndSeal(page, clicks) {
  for (let i = 0; i < clicks; i++) {
    await page.click('#add');
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(SEAL_WAIT_MS);
}

test('clicks made while the browser is offline are all stored once it is back online', async () => {
  const { context, page, sessionId } = await openRecordedPage();
  await context.setOffline(true);
  await clickAndSeal(page, CLICKS);
  const waiting = await page.evaluate(() => navigator.onLine);
  assert.equal(waiting, false, 'the page sees itself offline');
  await context.setOffline(false);
  const count = await pollLong(`${CLICKS} clicks`, async () => {
    const n = await clickCount(sessionId);
    return n >= CLICKS ? n : 0;
  });
  assert.equal(count, CLICKS);
  await context.close();
});

test('clicks made while the server is stopped are all stored after it restarts', async () => {
  const { context, page, sessionId } = await openRecordedPage();
  await server.halt();
  await clickAndSeal(page, CLICKS);
  await page.waitForTimeout(2_000); // a few failed retries
  await server.start();
  const count = await pollLong(`${CLICKS} clicks`, async () => {
    const n = await clickCount(sessionId);
    return n >= CLICKS ? n : 0;
  });
  assert.equal(count, CLICKS);
  await context.close();
});

/** Returns how many batches wait in the recorder's IndexedDB store of the page's origin. */
function storedBatchCount(page) {
  return page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open('tapedeck');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('batches')) return ok(0);
          const count = db.transaction('batches').objectStore('batches').count();
          count.onsuccess = () => ok(count.result);
          count.onerror = () => fail(count.error);
        };
      }),
  );
}

test('batches left unsent by a page are sent by the page that reloads it', async () => {
  const { context, page, sessionId } = await openRecordedPage();
  // The SDK file comes from disk, so the page can load while the server is down.
  const sdk = resolve(import.meta.dirname, '../../packages/recorder/dist/tapedeck.js');
  await context.route('**/sdk/tapedeck.js', (route) => route.fulfill({ path: sdk, contentType: 'text/javascript' }));
  await server.halt();
  await clickAndSeal(page, CLICKS);
  await page.reload();
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  assert.equal(await page.evaluate(() => window.Tapedeck.recorder.getSessionId()), sessionId, 'the reload keeps the session');
  assert.ok((await storedBatchCount(page)) >= 1, 'the unsent batches wait in IndexedDB');
  await server.start();
  const count = await pollLong(`${CLICKS} clicks`, async () => {
    const n = await clickCount(sessionId);
    return n >= CLICKS ? n : 0;
  });
  assert.equal(count, CLICKS);
  await pollLong('an empty store', async () => (await storedBatchCount(page)) === 0);
  await context.close();
});

/** The JSON body of an ingest request, gzipped or not. */
function ingestBody(request) {
  const raw = request.postDataBuffer();
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  return JSON.parse((gzipped ? gunzipSync(raw) : raw).toString('utf8'));
}

test('stopRecording sends the waiting clicks at once in a batch marked stopped', async () => {
  const { context, page, sessionId } = await openRecordedPage();
  const batches = [];
  context.on('request', (request) => {
    if (request.url().includes('/api/v1/ingest') && request.method() === 'POST') batches.push(ingestBody(request));
  });
  for (let i = 0; i < 3; i++) await page.click('#add');
  // Well within the batch interval: only stopRecording sends these clicks now.
  const stoppedId = await page.evaluate(() => window.Tapedeck.recorder.stopRecording());
  assert.equal(stoppedId, sessionId);
  const last = batches.at(-1);
  assert.ok(last, 'stopRecording sent a batch');
  assert.equal(last.meta.stopped, true);
  assert.equal(last.events.filter(isClick).length, 3, 'with the clicks');
  assert.ok(batches.slice(0, -1).every((b) => b.meta.stopped === undefined), 'only the last one says stopped');
  assert.equal(await pollLong('3 clicks', async () => (await clickCount(sessionId)) >= 3), true);
  await context.close();
});
