// The web app around a recording: the /demo shop records itself, the owner logs in, finds the
// session in the list, opens the player and drives it with the mouse and the keyboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { OWNER_EMAIL, OWNER_PASSWORD, startServer } from '../lib/server.mjs';

let server;
let browser;
let sessionId;

before(async () => {
  server = await startServer();
  browser = await launch();
  // A visitor uses the demo shop for a few seconds.
  const shop = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage();
  await shop.goto(`${server.url}/demo`);
  await shop.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  for (const card of [1, 3, 4]) {
    await shop.click(`.card:nth-child(${card}) button.add`);
    await shop.waitForTimeout(700);
  }
  await shop.fill('input[name=name]', 'Grace Hopper');
  await shop.waitForTimeout(700);
  await shop.click('button.pay');
  await shop.waitForTimeout(700);
  sessionId = await shop.evaluate(() => window.Tapedeck.recorder.getSessionId());
  await shop.evaluate(() => window.Tapedeck.recorder.flush());
  await shop.context().close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function loggedInPage() {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[type=email]', OWNER_EMAIL);
  await page.fill('input[type=password]', 'wrong password');
  await page.click('button[type=submit]');
  await page.getByText(/email or password/i).waitFor();
  await page.fill('input[type=password]', OWNER_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  return page;
}

const time = (page) => page.evaluate(() => window.tapedeck.player.getCurrentTime());

test('the list shows the demo session and opens its player', async () => {
  const page = await loggedInPage();
  const row = page.locator('.session-row', { hasText: '/demo' });
  await row.waitFor();
  await row.click();
  await page.waitForURL(`${server.url}/sessions/${sessionId}`);
  await page.evaluate(() => window.tapedeck.player.ready);
  assert.ok((await page.evaluate(() => window.tapedeck.player.getDuration())) > 2000);
  const sandbox = await page.locator('iframe').getAttribute('sandbox');
  assert.ok(!sandbox.includes('allow-scripts'));
  await page.context().close();
});

test('space plays and pauses, arrows seek, the speed menu speeds up, the scrubber seeks', async () => {
  const page = await loggedInPage();
  await page.goto(`${server.url}/sessions/${sessionId}`);
  await page.evaluate(() => window.tapedeck.player.ready);
  const duration = await page.evaluate(() => window.tapedeck.player.getDuration());

  await page.keyboard.press('Space');
  await page.waitForTimeout(400);
  await page.keyboard.press('Space');
  const paused = await time(page);
  assert.ok(paused > 0, `space started playback (at ${paused} ms)`);
  await page.waitForTimeout(300);
  assert.equal(await time(page), paused, 'space paused it again');

  await page.keyboard.press('ArrowRight');
  assert.ok(Math.abs((await time(page)) - Math.min(duration, paused + 5000)) < 50, 'right arrow: +5 s');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.ok((await time(page)) < 50, 'left arrow: -5 s, clamped at the start');

  await page.selectOption('select[aria-label="Playback speed"]', '4');
  const rate = await page.evaluate(async () => {
    const player = window.tapedeck.player;
    const [t0, w0] = [player.getCurrentTime(), performance.now()];
    player.play();
    await new Promise((r) => setTimeout(r, 400));
    const [t1, w1] = [player.getCurrentTime(), performance.now()];
    player.pause();
    return (t1 - t0) / (w1 - w0);
  });
  assert.ok(rate > 2, `at 4× the replay advanced ${rate.toFixed(2)} ms per wall-clock ms`);

  const scrubber = page.locator('input[aria-label="Seek"]');
  const box = await scrubber.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const middle = await time(page);
  assert.ok(Math.abs(middle - duration / 2) < duration * 0.1, `clicking the scrubber's middle seeks near ${duration / 2} (got ${middle})`);
  await page.context().close();
});

test('a ?t= link opens the player at that moment', async () => {
  const page = await loggedInPage();
  await page.goto(`${server.url}/sessions/${sessionId}?t=1500`);
  await page.evaluate(() => window.tapedeck.player.ready);
  assert.ok(Math.abs((await time(page)) - 1500) < 50);
  const event = await page.evaluate(() => window.tapedeck.player.getEventAtTime(1500));
  assert.ok(event && typeof event.type === 'number', 'getEventAtTime returns the event at that time');
  await page.context().close();
});
