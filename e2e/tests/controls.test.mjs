// Recording controls and the session lifecycle, end to end in real Chromium against a real
// server (issue 3): a reload keeps the session, a tab opened from a recorded one is a second
// window of the same session (an unrelated tab gets a session of its own), consent withheld
// means zero requests to the server, and an excluded URL records nothing — at load and after an
// SPA navigation.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { login, startServer, updateProjectSettings } from '../lib/server.mjs';
import { serveDirectory } from '../lib/static-server.mjs';
import { poll } from '../lib/poll.mjs';

/** Longer than the recorder's batch interval (3 s): anything it would send has been sent. */
const SETTLE_MS = 4_000;

let server;
let site;
let browser;
let cookie;

before(async () => {
  server = await startServer();
  site = await serveDirectory(resolve(import.meta.dirname, '../fixtures'), {
    '{{TAPEDECK}}': server.url,
    '{{INGEST_KEY}}': server.ingestKey,
  });
  browser = await launch();
  cookie = await login(server.url);
  // The fixture records at `minimal`; the project's level is a floor, so lower it to match.
  await updateProjectSettings(server.url, cookie, { privacy: 'minimal' });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});


async function api(path) {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

/** A browser context whose pages get `options` for the fixture's `Tapedeck.init`. */
async function contextWith(options = {}) {
  const context = await browser.newContext();
  await context.addInitScript((given) => {
    window.__tapedeckOptions = given;
  }, options);
  // Every request to the Tapedeck API (ingest and recorder config), keepalive ones included.
  const apiRequests = [];
  context.on('request', (request) => {
    if (request.url().startsWith(`${server.url}/api/v1/`)) apiRequests.push(request.url());
  });
  return { context, apiRequests };
}

async function openRecorded(context, path = '/controls.html') {
  const page = await context.newPage();
  await page.goto(`${site.url}${path}`);
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  return page;
}

const sessionId = (page) => page.evaluate(() => window.Tapedeck.recorder.getSessionId());
const flush = (page) => page.evaluate(() => window.Tapedeck.recorder.flush());

test('a reload keeps the session id, and the session spans both page loads', async () => {
  const { context } = await contextWith();
  const page = await openRecorded(context);
  await page.click('#add');
  const before = await sessionId(page);
  await flush(page);
  await page.reload();
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  assert.equal(await sessionId(page), before, 'same session after the reload');
  await page.click('#add');
  await page.waitForTimeout(200);
  await flush(page);

  // Each load opens with a Meta and a full snapshot; each made one click (`item 1`).
  const stored = await poll('both page loads stored', async () => {
    const { body } = await api(`/api/v1/sessions/${before}/events`);
    if (body === null) return null;
    const secondSnapshot = body.events.findLastIndex((e) => e.type === 2);
    const clickAfter = JSON.stringify(body.events.slice(secondSnapshot + 1)).includes('item 1 on');
    return body.events.filter((e) => e.type === 2).length === 2 && clickAfter ? body : null;
  });
  assert.equal(stored.events.filter((e) => e.type === 4).length, 2, 'a Meta event per page load');
  const firstSnapshot = stored.events.findIndex((e) => e.type === 2);
  const secondSnapshot = stored.events.findLastIndex((e) => e.type === 2);
  assert.ok(
    JSON.stringify(stored.events.slice(firstSnapshot, secondSnapshot)).includes('item 1 on'),
    'the click of the first load',
  );
  const { body: session } = await api(`/api/v1/sessions/${before}`);
  assert.deepEqual(session.windows.length, 1, 'one tab, one window');
  await context.close();
});

test('a tab opened from a recorded tab is a second window of its session; an unrelated tab is a session of its own', async () => {
  const { context } = await contextWith();
  const first = await openRecorded(context);
  const id = await sessionId(first);
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    first.evaluate(() => window.open('/controls.html', '_blank')),
  ]);
  await popup.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  assert.equal(await sessionId(popup), id, 'the opened tab continues the session (sessionStorage is copied)');
  await first.click('#add');
  await popup.click('#add');
  await popup.waitForTimeout(200);
  await flush(first);
  await flush(popup);
  const session = await poll('two windows', async () => {
    const { body } = await api(`/api/v1/sessions/${id}`);
    return body?.windows?.length === 2 ? body : null;
  });
  assert.equal(new Set(session.windows).size, 2);
  for (const windowId of session.windows) {
    const { body } = await api(`/api/v1/sessions/${id}/events?window=${encodeURIComponent(windowId)}`);
    assert.ok(body.events.some((e) => e.type === 2), `window ${windowId} starts with a full snapshot`);
  }

  const unrelated = await openRecorded(context);
  assert.notEqual(await sessionId(unrelated), id, 'a tab opened by the user starts its own session');
  await context.close();
});

test('consent withheld: zero requests to the server, until consent is given', async () => {
  const { context, apiRequests } = await contextWith({ requireConsent: true });
  const page = await context.newPage();
  await page.goto(`${site.url}/controls.html`);
  await page.waitForFunction(() => window.Tapedeck?.recorder);
  for (let i = 0; i < 3; i++) await page.click('#add');
  await page.waitForTimeout(SETTLE_MS);
  await flush(page);
  // Leaving the page (pagehide, visibilitychange) sends nothing either.
  await page.goto(`${site.url}/controls.html`);
  await page.waitForFunction(() => window.Tapedeck?.recorder);
  await page.click('#add');
  await page.waitForTimeout(SETTLE_MS);
  assert.deepEqual(apiRequests, [], 'no ingest or config request before consent');

  // The counter does see the recorder's requests once consent is given.
  await page.evaluate(() => window.Tapedeck.recorder.setConsent(true));
  await poll('recording after consent', () => page.evaluate(() => document.readyState === 'complete'));
  await page.waitForTimeout(1_000);
  await page.click('#add');
  await flush(page);
  await poll('an ingest request after consent', () => apiRequests.some((url) => url.includes('/api/v1/ingest')));
  await context.close();
});

test('withdrawing consent stops recording and sends nothing more', async () => {
  const { context, apiRequests } = await contextWith({ requireConsent: true });
  const page = await context.newPage();
  await page.goto(`${site.url}/controls.html`);
  await page.waitForFunction(() => window.Tapedeck?.recorder);
  await page.evaluate(() => window.Tapedeck.recorder.setConsent(true));
  await page.waitForTimeout(1_000);
  await page.click('#add');
  await flush(page);
  await poll('the consented batch', () => apiRequests.some((url) => url.includes('/api/v1/ingest')));
  const id = await sessionId(page);
  const sentBefore = apiRequests.length;
  await page.click('#add');
  await page.evaluate(() => window.Tapedeck.recorder.setConsent(false));
  await page.click('#add');
  await page.waitForTimeout(SETTLE_MS);
  await flush(page);
  await page.goto('about:blank');
  await page.waitForTimeout(500);
  assert.equal(apiRequests.length, sentBefore, 'nothing sent after withdrawal, the unsent click included');
  const { body } = await api(`/api/v1/sessions/${id}/events`);
  assert.ok(!JSON.stringify(body.events).includes('item 2 on'), 'the click before withdrawal was discarded');
  await context.close();
});

test('an excluded URL at load records nothing', async () => {
  const { context, apiRequests } = await contextWith({ excludeUrls: ['*/controls.html?private=*'] });
  const page = await openRecorded(context, '/controls.html?private=1');
  await page.click('#add');
  await page.waitForTimeout(SETTLE_MS);
  await flush(page);
  await page.goto('about:blank');
  await page.waitForTimeout(500);
  assert.deepEqual(
    apiRequests.filter((url) => url.includes('/api/v1/ingest')),
    [],
    'no batch from the excluded page',
  );
  await context.close();
});

test('an SPA navigation to an excluded URL stops capture; leaving it resumes on a full snapshot', async () => {
  const { context } = await contextWith({ excludeUrls: ['*/secret'] });
  const page = await openRecorded(context);
  await page.click('#add');
  await page.click('#go-secret');
  await page.click('#add');
  await page.evaluate(() => window.Tapedeck.recorder.addCustomEvent('app.on-secret', {}));
  await page.waitForTimeout(500);
  await page.click('#go-home');
  // Recording resumes shortly after the URL leaves the excluded pattern (EXCLUDED_RESUME_DELAY_MS).
  await page.waitForTimeout(1_000);
  await page.click('#add');
  await page.waitForTimeout(200);
  const id = await sessionId(page);
  await flush(page);

  const stored = await poll('the events after leaving the excluded page', async () => {
    const { body } = await api(`/api/v1/sessions/${id}/events`);
    if (body === null) return null;
    const resumed = body.events.findLastIndex((e) => e.type === 2);
    return JSON.stringify(body.events.slice(resumed)).includes('item 1 on /controls.html') ? body : null;
  });
  const text = JSON.stringify(stored.events);
  assert.ok(!text.includes('TOP-SECRET-PAYLOAD'), 'no content of the excluded page');
  assert.ok(!text.includes('on /secret'), 'no change made on the excluded page');
  assert.ok(!text.includes('app.on-secret'), 'no custom event while excluded');
  assert.ok(!text.includes('/secret'), 'not even its URL');
  const markers = stored.events.filter((e) => e.type === 5 && e.data.tag === 'tapedeck.excluded');
  assert.equal(markers.length, 1, 'one tapedeck.excluded marker');
  assert.deepEqual(markers[0].data.payload, {});
  assert.equal(stored.events.filter((e) => e.type === 2).length, 2, 'recording resumed with a fresh full snapshot');
  const { body: session } = await api(`/api/v1/sessions/${id}`);
  assert.ok(!session.urls.some((visit) => visit.url.includes('/secret')), 'the session never lists the URL');
  await context.close();
});

test('a page hammering the DOM pauses the recorder with a marker; it resumes on a fresh snapshot once quiet', async () => {
  const { context } = await contextWith();
  const page = await openRecorded(context);
  // About 20,000 attribute mutations a second for 4 s (budget: 5,000/s for 2 s), then calm.
  await page.evaluate(
    () =>
      new Promise((done) => {
        const box = document.createElement('div');
        document.body.appendChild(box);
        const cells = [];
        for (let i = 0; i < 200; i++) cells.push(box.appendChild(document.createElement('span')));
        const started = Date.now();
        const timer = setInterval(() => {
          // rrweb folds an add and a remove in one callback into nothing: change attributes instead.
          for (const cell of cells) cell.setAttribute('data-n', String(Date.now() - started));
          if (Date.now() - started > 4_000) {
            clearInterval(timer);
            done();
          }
        }, 10);
      }),
  );
  await page.waitForTimeout(5_000);
  await page.click('#add');
  await page.waitForTimeout(200);
  const id = await sessionId(page);
  await flush(page);
  const stored = await poll('the resumed recording', async () => {
    const { body } = await api(`/api/v1/sessions/${id}/events`);
    return body?.events.some((e) => e.type === 5 && e.data.tag === 'tapedeck.budget_resumed') ? body : null;
  });
  const paused = stored.events.findIndex((e) => e.type === 5 && e.data.tag === 'tapedeck.budget_paused');
  const resumed = stored.events.findIndex((e) => e.type === 5 && e.data.tag === 'tapedeck.budget_resumed');
  assert.ok(paused > 0 && resumed > paused, 'paused, then resumed');
  assert.ok(stored.events[paused].data.payload.mutations_per_second > 5_000, 'the marker has the measured rate');
  assert.ok(stored.events.slice(paused, resumed).some((e) => e.type === 2), 'resumed on a fresh full snapshot');
  const during = stored.events.slice(paused + 1, resumed).filter((e) => e.type === 3);
  assert.equal(during.length, 0, 'nothing recorded while paused');
  assert.ok(JSON.stringify(stored.events.slice(resumed)).includes('item 1 on'), 'recording after the pause');
  await context.close();
});
