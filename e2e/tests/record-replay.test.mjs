// The walking skeleton, end to end in real Chromium: a customer page loads /sdk/tapedeck.js from
// a real server, a user types and clicks, the session shows up in the list API, and the player
// page replays it so that a screenshot of the replay matches the live page.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { matchingFraction } from '../lib/pixels.mjs';
import { login, startServer, updateProjectSettings } from '../lib/server.mjs';
import { serveDirectory } from '../lib/static-server.mjs';
import { poll } from '../lib/poll.mjs';
import { openEmbeddedReplay } from '../lib/player.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
const VIEWPORT = { width: 1000, height: 640 };
const MIN_MATCHING_PIXELS = 0.99;

let server;
let site;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  site = await serveDirectory(resolve(import.meta.dirname, '../fixtures'), {
    '{{TAPEDECK}}': server.url,
    '{{INGEST_KEY}}': server.ingestKey,
  });
  browser = await launch();
  // The page records at `minimal` (typed text shown, so the replay can match it pixel for pixel);
  // the project's level is a floor, so lower it to match.
  await updateProjectSettings(server.url, await login(server.url), { privacy: 'minimal' });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});


test('a recorded visit is listed and replays faithfully', async () => {
  // 1. A user visits the customer's page, types and clicks.
  const live = await browser.newContext({ viewport: VIEWPORT });
  const page = await live.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await page.fill('#name', 'Ada Lovelace');
  await page.fill('#company', 'Analytical Engines Ltd');
  await page.click('#add');
  await page.click('#add');
  await page.mouse.move(900, 600);
  await page.waitForTimeout(300);
  const momentMs = await page.evaluate(() => Date.now());
  const liveShot = await page.screenshot();
  const sessionId = await page.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await page.evaluate(() => window.Tapedeck.recorder.flush());

  // 2. The session appears in the list API with its metadata.
  const cookie = await login(server.url);
  const listed = await poll('the session in the list', async () => {
    const response = await fetch(`${server.url}/api/v1/sessions`, { headers: { cookie } });
    const { sessions } = await response.json();
    return sessions.find((s) => s.id === sessionId && s.event_count > 0);
  });
  assert.equal(listed.first_url, `${site.url}/`);
  assert.equal(listed.browser, 'Chrome Headless');
  assert.equal(listed.page_views, 1);
  const events = await (await fetch(`${server.url}/api/v1/sessions/${sessionId}/events`, { headers: { cookie } })).json();
  const firstTs = events.events[0].timestamp;
  assert.ok(events.events.some((e) => e.type === 2), 'a full snapshot was recorded');
  await page.close();

  // 3. The player replays it: log in through the web app, open the embed view, seek to the moment.
  const player = await openEmbeddedReplay(browser, server.url, sessionId);
  const viewer = player.context();
  const durationMs = await player.evaluate(() => window.tapedeck.player.getDuration());
  assert.ok(durationMs >= momentMs - firstTs - 50, `duration ${durationMs} ms covers the moment`);
  await player.evaluate((ms) => window.tapedeck.player.seek(ms), momentMs - firstTs);
  await player.evaluate(() => window.tapedeck.player.pause());
  await player.waitForTimeout(300);
  assert.ok(Math.abs((await player.evaluate(() => window.tapedeck.player.getCurrentTime())) - (momentMs - firstTs)) < 100);

  const frame = player.locator('iframe');
  const sandbox = await frame.getAttribute('sandbox');
  assert.ok(sandbox !== null && !sandbox.includes('allow-scripts'), `sandbox="${sandbox}" must not allow scripts`);
  const box = await frame.boundingBox();
  assert.deepEqual({ width: Math.round(box.width), height: Math.round(box.height) }, VIEWPORT, 'embed renders at the recorded size');
  const replayShot = await player.screenshot({ clip: { x: box.x, y: box.y, width: VIEWPORT.width, height: VIEWPORT.height } });

  writeFileSync(resolve(ARTIFACTS, 'live.png'), liveShot);
  writeFileSync(resolve(ARTIFACTS, 'replay.png'), replayShot);
  const fraction = matchingFraction(liveShot, replayShot, resolve(ARTIFACTS, 'diff.png'));
  writeFileSync(resolve(ARTIFACTS, 'fidelity.json'), JSON.stringify({ matching_pixels: fraction }, null, 2));
  console.log(`# fidelity: ${(fraction * 100).toFixed(3)}% of pixels match (replay vs live)`);
  assert.ok(fraction >= MIN_MATCHING_PIXELS, `only ${(fraction * 100).toFixed(2)}% of pixels match`);
  await viewer.close();
  await live.close();
});
