// The web app under its Content-Security-Policy in real Chromium: the player page and the
// embeddable replay run without a single CSP violation; a support tool on an origin listed in
// `embed_frame_ancestors` frames the `?embed=1` replay, while framing any other page of the app
// is refused by the browser.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { logIn, startServer } from '../lib/server.mjs';

let server;
let browser;
let tool;
let sessionId;

/** A "support tool" on another origin whose pages frame a Tapedeck URL. */
async function startTool(framedUrl) {
  const http = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const src = path === '/embed' ? `${framedUrl()}?embed=1` : framedUrl();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>tool</title><iframe src="${src}" width="900" height="600"></iframe>`);
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${http.address().port}`, close: () => new Promise((r) => http.close(r)) };
}

/** Collects the console's CSP complaints of a page (its frames' too). */
function cspMessages(page) {
  const messages = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) messages.push(m.text());
  });
  return messages;
}

before(async () => {
  tool = await startTool(() => `${server.url}/sessions/${sessionId}`);
  server = await startServer({ args: ['--embed-frame-ancestors', `'self' ${tool.url}`] });
  browser = await launch();
  const shop = await (await browser.newContext()).newPage();
  await shop.goto(`${server.url}/demo`);
  await shop.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await shop.click('.card:nth-child(1) button.add');
  await shop.waitForTimeout(500);
  sessionId = await shop.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await shop.evaluate(() => window.Tapedeck.recorder.flush());
  await shop.context().close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await tool?.close();
});

async function loggedInContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await logIn(page, server.url);
  await page.close();
  return context;
}

test('the list and the player run under the CSP without a violation', async () => {
  const context = await loggedInContext();
  const page = await context.newPage();
  const messages = cspMessages(page);
  await page.goto(`${server.url}/`);
  await page.locator('.session-row').first().waitFor();
  await page.goto(`${server.url}/sessions/${sessionId}`);
  await page.evaluate(() => window.tapedeck.player.ready);
  await page.evaluate(() => window.tapedeck.player.seek(window.tapedeck.player.getDuration()));
  assert.deepEqual(messages, []);
  await context.close();
});

test('a support tool on a listed origin frames the embed replay; other pages refuse framing', async () => {
  const context = await loggedInContext();
  const page = await context.newPage();
  const messages = cspMessages(page);
  await page.goto(`${tool.url}/embed`);
  const frame = page.frameLocator('iframe');
  await frame.locator('iframe').first().waitFor();
  const embedded = page.frames().find((f) => f.url().includes('embed=1'));
  assert.ok(embedded, 'the replay frame loaded');
  await embedded.evaluate(() => window.tapedeck.player.ready);
  assert.ok((await embedded.evaluate(() => window.tapedeck.player.getDuration())) > 0);
  assert.deepEqual(messages, [], 'the embed page ran without a CSP violation');

  await page.goto(`${tool.url}/page`);
  await page.waitForFunction(() => document.querySelector('iframe') !== null);
  const deadline = Date.now() + 10_000;
  while (!messages.some((m) => m.includes('frame-ancestors')) && Date.now() < deadline) {
    await page.waitForTimeout(100);
  }
  assert.ok(messages.some((m) => m.includes('frame-ancestors')), `framing refused: ${messages}`);
  // The browser shows its error page in the frame instead of the app.
  const framed = page.frames().find((f) => f !== page.mainFrame());
  assert.match(framed.url(), /^chrome-error:/);
  await context.close();
});
