// The session page as a support agent uses it, in real Chromium against a real server: a visit to
// the capture fixture (console error, uncaught errors, fetch/XHR with capture on) is recorded,
// then the owner opens its page. The Console panel shows the error, the Network panel the fetch
// with its status and headers, a click on an entry seeks the player, a note lands in the list and
// on the timeline bar, and "Copy link" yields a `?t=` link that opens there. Screenshots go to
// e2e/artifacts/session-page-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { poll } from '../lib/poll.mjs';
import { logIn, login, OWNER_EMAIL, startServer } from '../lib/server.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
const VIEWPORT = { width: 1440, height: 860 };

let server;
let site;
let browser;
let sessionId;
/** The session's timeline as the API answers it, once the recording is stored. */
let timeline;

/**
 * The fixture's heading dressed up as a small checkout page, so the screenshots (one goes into
 * the README) show a recognisable page; the fixture's scripts are unchanged.
 */
const CHECKOUT = `
<style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1f2937; background: #f8fafc; }
  body > p { display: none; }
  .shop { display: flex; align-items: center; gap: 10px; padding: 14px 28px; background: #0f766e; color: #fff; font-weight: 600; }
  .shop span { margin-left: auto; font-weight: 400; opacity: 0.85; }
  .order { max-width: 520px; margin: 32px auto; padding: 24px 28px; background: #fff; border: 1px solid #e2e8f0; border-radius: 12px; }
  .order h1 { margin: 0 0 16px; font-size: 22px; }
  .line { display: flex; justify-content: space-between; padding: 8px 0; border-bottom: 1px solid #f1f5f9; }
  .total { font-weight: 700; border: 0; }
  #pay { width: 100%; margin-top: 16px; padding: 12px; border: 0; border-radius: 8px; background: #0f766e; color: #fff; font: 600 16px system-ui; }
</style>
<div class="shop">Quimby Ferntree Outfitters <span>Signed in as Ann</span></div>
<section class="order">
  <h1>Your order</h1>
  <div class="line"><span>Trail runners, size 42</span><span>$129.00</span></div>
  <div class="line"><span>Merino socks (2)</span><span>$24.00</span></div>
  <div class="line total"><span>Total</span><span>$153.00</span></div>
  <button id="pay" type="button">Pay now</button>
</section>`;

/** The customer's site: the capture fixture and a small JSON API at /api/x. */
async function serveSite(replacements) {
  const page = readFileSync(resolve(import.meta.dirname, '../fixtures/capture.html'), 'utf8');
  const html = Object.entries(replacements).reduce((text, [key, value]) => text.replaceAll(key, value), page);
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url.startsWith('/api/x')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'resp-7' });
        res.end(JSON.stringify({ ok: true, items: [1, 2, 3] }));
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      }
    });
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${http.address().port}`, close: () => new Promise((r) => http.close(r)) };
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  site = await serveSite({ '{{TAPEDECK}}': server.url, '{{INGEST_KEY}}': server.ingestKey, '<h1>Capture</h1>': CHECKOUT });
  browser = await launch();

  const visit = await (await browser.newContext({ viewport: { width: 1000, height: 640 } })).newPage();
  const pageErrors = [];
  visit.on('pageerror', (error) => pageErrors.push(error.message));
  await visit.goto(site.url);
  await visit.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await visit.waitForFunction(() => window.TapedeckCapture !== undefined);
  // The visit takes a few seconds, as a real one would, so the entries spread over the timeline.
  await visit.waitForTimeout(800);
  await visit.click('#pay');
  await visit.waitForTimeout(600);
  await visit.evaluate(() => window.runScenario());
  await poll('the uncaught errors', () => pageErrors.length >= 2);
  await visit.waitForTimeout(900);
  await visit.click('#pay');
  sessionId = await visit.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await visit.evaluate(() => window.Tapedeck.recorder.flush());
  await visit.context().close();

  const cookie = await login(server.url);
  timeline = await poll('the timeline with the requests and the console error', async () => {
    const response = await fetch(`${server.url}/api/v1/sessions/${sessionId}/timeline`, { headers: { cookie } });
    if (!response.ok) return null;
    const body = await response.json();
    const requests = body.entries.filter((e) => e.kind === 'network').length;
    const consoleError = body.entries.some((e) => e.kind === 'console' && e.data.level === 'error');
    return requests >= 3 && consoleError ? body : null;
  });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

/** A logged-in page on the session, with the player's first frame painted. */
async function openSessionPage({ viewport = VIEWPORT, query = '' } = {}) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await logIn(page, server.url);
  await page.goto(`${server.url}/sessions/${sessionId}${query}`);
  try {
    await page.waitForFunction(() => window.tapedeck?.player);
  } catch (error) {
    throw new Error(`no window.tapedeck.player on ${page.url()}: ${error.message}`);
  }
  await page.evaluate(() => window.tapedeck.player.ready);
  await page.locator('.inspector__tab').first().waitFor();
  return page;
}

const currentTime = (page) => page.evaluate(() => window.tapedeck.player.getCurrentTime());
const tab = (page, name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
const entry = (predicate) => {
  const found = timeline.entries.find(predicate);
  assert.ok(found, 'the timeline has the entry the test needs');
  return found;
};

test('the Console panel shows the recorded console error, with its stack trace', async () => {
  const page = await openSessionPage();
  await tab(page, 'Console').click();
  const panel = page.locator('#inspector-console');
  const error = panel.locator('.irow--level-error', { hasText: 'boom {"a":1}' });
  await error.waitFor();
  assert.equal(await error.locator('.level').textContent(), 'error');
  assert.ok(await panel.locator('.irow', { hasText: 'signed in' }).isVisible(), 'the info line is listed too');
  assert.ok(await panel.locator('.irow', { hasText: 'kaput' }).isVisible(), 'and the uncaught error');

  const boom = entry((e) => e.kind === 'console' && e.data.level === 'error');
  await error.locator('.irow__main').click();
  await poll('the player at the console error', async () => Math.abs((await currentTime(page)) - boom.at) < 1);
  await error.locator('summary').click();
  assert.match(await error.locator('.irow__stack pre').textContent(), /runScenario/);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${ARTIFACTS}/session-page-console.png` });

  await panel.getByRole('button', { name: /^Errors/ }).click();
  assert.equal(await panel.locator('.irow', { hasText: 'boom' }).count(), 0, 'the level chip hides errors');
  assert.equal(await panel.locator('.irow', { hasText: 'signed in' }).count(), 1);
  await panel.getByRole('button', { name: /^Errors/ }).click();
  await panel.getByPlaceholder('Search the console').fill('kaput');
  assert.deepEqual(await panel.locator('.irow__message').allTextContents(), ['Uncaught Error: kaput']);
  await page.context().close();
});

test('the Network panel shows the fetch with its status and opens its headers and body', async () => {
  const page = await openSessionPage();
  await tab(page, 'Network').click();
  const panel = page.locator('#inspector-network');
  const fetchRow = panel.locator('.irow', { hasText: '/api/x' }).filter({ hasText: 'GET' }).first();
  await fetchRow.waitFor();
  assert.equal((await fetchRow.locator('.net__status').textContent()).trim(), '200');
  assert.ok(!(await fetchRow.getAttribute('class')).includes('irow--bad'));
  const failed = panel.locator('.irow', { hasText: '/unreachable' });
  assert.equal((await failed.locator('.net__status').textContent()).trim(), 'failed');
  assert.ok((await failed.getAttribute('class')).includes('irow--bad'), 'the failed request is red');
  assert.ok(await fetchRow.locator('.net__bar').isVisible(), 'the waterfall has a bar');

  await fetchRow.locator('.irow__main').click();
  const detail = panel.locator('.net-detail');
  await detail.waitFor();
  assert.match(await detail.locator('.net-detail__title').textContent(), /GET http:\/\/127\.0\.0\.1:\d+\/api\/x/);
  const responseHeaders = detail.locator('details', { hasText: 'Response headers' });
  assert.match(await responseHeaders.textContent(), /x-request-idresp-7/);
  assert.match(await detail.locator('details', { hasText: 'Request headers' }).textContent(), /x-request-idreq-42/);
  const body = detail.locator('details', { hasText: 'Response body' }).locator('.json');
  assert.equal(await body.locator('.json__key').first().textContent(), '"ok"', 'the JSON body is pretty-printed and coloured');
  await page.screenshot({ path: `${ARTIFACTS}/session-page-network.png` });

  await detail.getByRole('button', { name: 'Close the request details' }).click();
  assert.equal(await detail.count(), 0);
  await page.context().close();
});

test('clicking an entry seeks the player there and marks it current', async () => {
  const page = await openSessionPage();
  const target = entry((e) => e.kind === 'error' && e.label.includes('kaput'));
  assert.ok(target.at > 0);
  assert.equal(await currentTime(page), 0);
  const row = page.locator(`#inspector-events .irow[data-id="${target.id}"]`);
  await row.locator('.irow__main').click();
  await poll('the player at the entry', async () => Math.abs((await currentTime(page)) - target.at) < 1);
  await page.locator('#inspector-events .irow[data-current]').waitFor();
  const current = await page.locator('#inspector-events .irow[data-current]').getAttribute('data-id');
  const atCurrent = timeline.entries.find((e) => e.id === current).at;
  assert.equal(atCurrent, target.at, 'the row marked current is at the time sought');
  assert.ok(await row.locator('.json').isVisible(), 'the entry opens its details as JSON');

  // The click left the keyboard to the player: space plays.
  await page.keyboard.press('Space');
  await poll('playback after space', async () => (await currentTime(page)) > target.at);
  await page.evaluate(() => window.tapedeck.player.pause());
  await page.screenshot({ path: `${ARTIFACTS}/session-page-events.png` });
  await page.context().close();
});

test('a note added at the current time shows in the list and on the timeline bar, and can be deleted', async () => {
  const page = await openSessionPage();
  // In the middle of the widest stretch without markers, so the note's marker stands alone.
  const duration = await page.evaluate(() => window.tapedeck.player.getDuration());
  const marks = [0, ...timeline.entries.filter((e) => e.kind !== 'console').map((e) => e.at), duration].sort((a, b) => a - b);
  let at = 0;
  let widest = -1;
  for (let i = 1; i < marks.length; i++) {
    if (marks[i] - marks[i - 1] > widest) [widest, at] = [marks[i] - marks[i - 1], Math.round((marks[i] + marks[i - 1]) / 2)];
  }
  await page.evaluate((ms) => window.tapedeck.player.seek(ms), at);
  await tab(page, 'Info').click();
  const notes = page.locator('#inspector-info .notes');
  await notes.getByRole('textbox', { name: 'Note text' }).fill('Pay does nothing here');
  await notes.getByRole('button', { name: /^Add note at/ }).click();
  const note = notes.locator('.note', { hasText: 'Pay does nothing here' });
  await note.waitFor();
  assert.equal(await notes.getByRole('textbox', { name: 'Note text' }).inputValue(), '', 'the form is cleared');

  const cookie = await login(server.url);
  const stored = (await (await fetch(`${server.url}/api/v1/sessions/${sessionId}/notes`, { headers: { cookie } })).json()).notes;
  assert.equal(stored.length, 1);
  assert.equal(stored[0].text, 'Pay does nothing here');
  assert.ok(Math.abs(stored[0].at - at) <= 1, `the note is at the playhead (${stored[0].at} vs ${at})`);
  assert.equal(stored[0].author.email, OWNER_EMAIL);

  await page.locator('.td-marker[data-kind="note"]').first().waitFor();
  const markerAt = Number(await page.locator('.td-marker[data-kind="note"]').first().getAttribute('data-at'));
  assert.equal(markerAt, stored[0].at, 'the marker sits at the note');
  assert.ok(await page.locator(`#inspector-events .irow[data-id="note:${stored[0].id}"]`).count(), 'the note is in the Events list');
  await page.screenshot({ path: `${ARTIFACTS}/session-page-info.png` });

  await note.getByRole('button', { name: 'Delete this note' }).click();
  await poll('the note gone from the list', async () => (await notes.locator('.note').count()) === 0);
  const left = (await (await fetch(`${server.url}/api/v1/sessions/${sessionId}/notes`, { headers: { cookie } })).json()).notes;
  assert.deepEqual(left, []);
  await poll('the note marker gone', async () => (await page.locator('.td-marker[data-kind="note"]').count()) === 0);
  await page.context().close();
});

test('"Copy link" puts a ?t= link on the clipboard that opens the session there', async () => {
  const page = await openSessionPage();
  const at = entry((e) => e.kind === 'network').at;
  await page.evaluate((ms) => window.tapedeck.player.seek(ms), at);
  await page.locator('.copy-link').click();
  await page.locator('.toast', { hasText: 'Link copied' }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const expected = `${server.url}/sessions/${sessionId}?t=${Math.round(await currentTime(page))}`;
  assert.equal(link, expected);
  assert.equal(Math.round(await currentTime(page)), at);

  await page.goto(link);
  await page.evaluate(() => window.tapedeck.player.ready);
  assert.equal(Math.round(await currentTime(page)), at, 'the link opens the replay at that moment');
  await page.context().close();
});

test('scrolling a list stops it following the playhead until "Follow" is on again', async () => {
  const page = await openSessionPage({ viewport: { width: 1440, height: 600 } });
  const list = page.locator('#inspector-events .irows-scroll');
  const follow = page.locator('#inspector-events .follow');
  // Open one entry's JSON so the list is taller than its box.
  const kaput = entry((e) => e.kind === 'error' && e.label.includes('kaput'));
  await page.locator(`#inspector-events .irow[data-id="${kaput.id}"] .irow__main`).click();
  await poll('a scrollable list', () => list.evaluate((el) => el.scrollHeight > el.clientHeight + 40));
  const first = timeline.entries[0];
  await page.evaluate(() => window.tapedeck.player.seek(0));
  await poll('the first entry current', async () => (await page.locator('#inspector-events .irow[data-current]').getAttribute('data-id')) === first.id);
  assert.equal(await follow.getAttribute('aria-pressed'), 'true');

  await list.hover();
  await page.mouse.wheel(0, 400);
  await poll('following switched off', async () => (await follow.getAttribute('aria-pressed')) === 'false');
  await poll('the list scrolled', () => list.evaluate((el) => el.scrollTop > 0));
  const scrolled = await list.evaluate((el) => el.scrollTop);
  const last = timeline.entries.filter((e) => e.kind !== 'note').at(-1);
  await page.evaluate((ms) => window.tapedeck.player.seek(ms), last.at);
  await poll('a later entry current', async () => (await page.locator('#inspector-events .irow[data-current]').getAttribute('data-id')) !== first.id);
  await page.evaluate(() => window.tapedeck.player.seek(0));
  await poll('the first entry current again', async () => (await page.locator('#inspector-events .irow[data-current]').getAttribute('data-id')) === first.id);
  assert.equal(await list.evaluate((el) => el.scrollTop), scrolled, 'the list stays where the user put it');

  await follow.click();
  assert.equal(await follow.getAttribute('aria-pressed'), 'true');
  await poll('the current entry back in view', () =>
    page.locator('#inspector-events .irow[data-current]').evaluate((row) => {
      const box = row.closest('.irows-scroll').getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    }),
  );
  await page.context().close();
});

test('a session recorded without capture says how to turn it on; a failed timeline offers a retry', async () => {
  // The /demo shop records without console or network capture.
  const shop = await (await browser.newContext()).newPage();
  await shop.goto(`${server.url}/demo`);
  await shop.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await shop.click('.card:nth-child(1) button.add');
  const demoId = await shop.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await shop.evaluate(() => window.Tapedeck.recorder.flush());
  await shop.context().close();
  const cookie = await login(server.url);
  await poll('the demo session stored', async () => (await fetch(`${server.url}/api/v1/sessions/${demoId}/timeline`, { headers: { cookie } })).ok);

  const page = await openSessionPage();
  let failing = true;
  await page.route('**/api/v1/sessions/*/timeline*', (route) =>
    failing
      ? route.fulfill({ status: 503, json: { error: { code: 'storage_unavailable', message: 'Storage is unavailable right now.' } } })
      : route.continue(),
  );
  await page.goto(`${server.url}/sessions/${demoId}`);
  await page.evaluate(() => window.tapedeck.player.ready);
  const events = page.locator('#inspector-events');
  await events.getByText('The timeline could not be loaded').waitFor();
  assert.match(await events.textContent(), /Storage is unavailable right now\./);
  failing = false;
  await events.getByRole('button', { name: 'Try again' }).click();
  await events.locator('.irow').first().waitFor();

  await tab(page, 'Console').click();
  await page.locator('#inspector-console').getByText('No console output was captured').waitFor();
  assert.match(await page.locator('#inspector-console').textContent(), /captureConsole/);
  await tab(page, 'Network').click();
  await page.locator('#inspector-network').getByText('No network requests were captured').waitFor();
  await page.context().close();
});

test('on a narrow screen the inspector sits under the player', async () => {
  const page = await openSessionPage({ viewport: { width: 820, height: 1000 } });
  const player = await page.locator('.replay-frame').boundingBox();
  const inspector = await page.locator('.inspector').boundingBox();
  assert.ok(inspector.y >= player.y + player.height, 'below the player');
  assert.ok(inspector.width > 700, 'full width');
  await page.screenshot({ path: `${ARTIFACTS}/session-page-narrow.png`, fullPage: true });
  await page.context().close();
});

test('opening the player is audited as one view of the session', async () => {
  const cookie = await login(server.url);
  const me = await (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).json();
  const views = async () => {
    const query = new URLSearchParams({ organization_id: me.organizations[0].id, action: 'session.view', target: `session:${sessionId}` });
    const response = await fetch(`${server.url}/api/v1/audit?${query}`, { headers: { cookie } });
    assert.equal(response.status, 200);
    return (await response.json()).entries.length;
  };
  const before = await views();
  const page = await openSessionPage();
  await page.context().close();
  assert.equal(await views(), before + 1, 'the page and the player share one GET of the session');
});
