// The sessions list keeps itself current: with the refresh interval shortened for the test
// (localStorage 'tapedeck.listRefreshMs'), a second batch to a shown session updates its row in
// place, and a new session waits behind "1 new session — show" until clicked.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { logIn, startServer } from '../lib/server.mjs';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
let server;
let browser;

/** Posts one batch of `count` mouse moves (plus a page view on the first) to `id`. */
async function ingest(id, { seq = 0, count = 3, startMs = Date.now() - 60_000 } = {}) {
  const url = 'https://shop.example/cart';
  const events = [];
  if (seq === 0) events.push({ type: 4, timestamp: startMs, data: { href: url, width: 1280, height: 800 } });
  for (let i = 1; i <= count; i += 1) {
    events.push({ type: 3, timestamp: startMs + seq * 10_000 + i * 1000, data: { source: 1, positions: [{ x: i, y: i, id: 1, timeOffset: 0 }] } });
  }
  const meta = { url, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0', viewport: { width: 1280, height: 800 } };
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey },
    body: JSON.stringify({ session_id: id, window_id: 'w-1', seq, meta, events }),
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  server = await startServer();
  await ingest('shown-live', { startMs: Date.now() - 120_000 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const eventsOf = (page, id) => page.locator(`.session-row[data-session-id="${id}"] .cell--duration .muted`).textContent();

test('a shown row updates in place; a new session waits behind a button until shown', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 520 } });
  await context.addInitScript(() => localStorage.setItem('tapedeck.listRefreshMs', '300'));
  const page = await context.newPage();
  await logIn(page, server.url);
  await page.waitForSelector('.session-row[data-session-id="shown-live"]');
  assert.equal(await eventsOf(page, 'shown-live'), '4 events');
  assert.equal(await page.locator('.session-row[data-session-id="shown-live"] .badge--live').count(), 1, 'the API calls it live');

  await ingest('shown-live', { seq: 1, count: 5, startMs: Date.now() - 120_000 });
  await ingest('brand-new');
  await page.waitForFunction(() => document.querySelector('.new-sessions__button')?.dataset.count === '1');
  assert.equal(await eventsOf(page, 'shown-live'), '9 events', 'the shown row took the new count');
  assert.equal(await page.textContent('.new-sessions__button'), '1 new session — show');
  assert.equal(await page.locator('.session-row[data-session-id="brand-new"]').count(), 0, 'not inserted under the pointer');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'sessions-live.png') });

  await page.click('.new-sessions__button');
  const ids = await page.$$eval('.session-row[data-session-id]', (rows) => rows.map((r) => r.dataset.sessionId));
  assert.deepEqual(ids, ['brand-new', 'shown-live'], 'shown on top, newest first');
  assert.equal(await page.locator('.new-sessions__button').count(), 0);
  await context.close();
});

test('no refresh while rows are selected for bulk tagging', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 520 } });
  await context.addInitScript(() => localStorage.setItem('tapedeck.listRefreshMs', '300'));
  const page = await context.newPage();
  await logIn(page, server.url);
  await page.waitForSelector('.session-row[data-session-id="shown-live"]');
  await page.click('.session-row[data-session-id="shown-live"] .cell--check input');
  let asked = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/sessions') asked += 1;
  });
  await ingest('while-selected');
  // Ten intervals pass with a row selected: the list is not asked again. (A slow machine can only
  // make this pass without proving much, never fail wrongly; the unit test of mayRefresh is exact.)
  await page.waitForTimeout(3000);
  assert.equal(asked, 0);
  assert.equal(await page.locator('.new-sessions__button').count(), 0);
  await page.click('.session-row[data-session-id="shown-live"] .cell--check input');
  await page.waitForFunction(() => document.querySelector('.new-sessions__button')?.dataset.count === '1');
  await context.close();
});
