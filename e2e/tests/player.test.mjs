// The player on generated sessions posted to a real server (bench/lib/generate-session.mjs): a
// two-hour session opens at a `?t=` link and seeks across its whole length, each time showing
// the page as it was at that moment (title, scroll position, the latest text change, the event
// at that time); playing at 16× loads ahead; keyboard shortcuts, the timeline bar (click, markers,
// tooltip, zoom), the speed menu and every method of `window.tapedeck.player` work.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PNG } from 'pngjs';

import { launch } from '../lib/browser.mjs';
import { ingestGeneratedSession, openEmbeddedReplay } from '../lib/player.mjs';
import { logIn, login, startServer } from '../lib/server.mjs';
import { serveDirectory } from '../lib/static-server.mjs';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const VIEWPORT = { width: 1440, height: 900 };
const MINUTE = 60_000;

let server;
let browser;
let cookie;
/** A heavy two-hour session: a live dashboard, mutations every ~300 ms, checkouts every 5 min. */
let long;
/** A calm ten-minute one, for loadSession. */
let short;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launch();
  cookie = await login(server.url);
  long = await ingestGeneratedSession(server, { minutes: 120, profile: 'heavy', seed: 3 });
  short = await ingestGeneratedSession(server, { minutes: 10, profile: 'steady', seed: 2 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function playerPage(sessionId, query = '') {
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await logIn(page, server.url);
  await page.goto(`${server.url}/sessions/${sessionId}${query}`);
  await page.waitForFunction(() => window.tapedeck?.player);
  await page.evaluate(() => window.tapedeck.player.ready);
  page.problems = problems;
  return page;
}

const api = (page, method, ...args) => page.evaluate(([m, a]) => window.tapedeck.player[m](...a), [method, args]);
const now = (page) => api(page, 'getCurrentTime');
const playerState = (page) => page.locator('.td-player').getAttribute('data-state');

// ---- what the recording says the page looked like at a moment ----

function textsOf(node, out = new Set()) {
  if (node.type === 3) out.add(node.textContent);
  for (const child of node.childNodes ?? []) textsOf(child, out);
  return out;
}

function titleOf(node) {
  if (node.type === 2 && node.tagName === 'title') return node.childNodes?.[0]?.textContent ?? '';
  for (const child of node.childNodes ?? []) {
    const found = titleOf(child);
    if (found !== null) return found;
  }
  return null;
}

/**
 * What the replay must show at `ms` of `session`: the page title of the last full snapshot,
 * the document's scroll offset, the value of the latest text change since that snapshot (one
 * the snapshot did not already hold), and the last event at or before `ms`.
 */
function expectedAt(session, ms) {
  const { events } = session;
  const epoch = events[0].timestamp + ms;
  let last = -1;
  let snapshot = -1;
  for (let i = 0; i < events.length && events[i].timestamp <= epoch; i++) {
    last = i;
    if (events[i].type === 2) snapshot = i;
  }
  const snap = events[snapshot].data;
  const before = textsOf(snap.node);
  let scrollY = snap.initialOffset?.top ?? 0;
  let text = null;
  for (let i = snapshot + 1; i <= last; i++) {
    const { type, data } = events[i];
    if (type !== 3) continue;
    if (data.source === 3 && data.id === 1) scrollY = data.y;
    if (data.source === 0) {
      const fresh = data.texts.map((t) => t.value).filter((v) => v && !before.has(v) && !/ago$/.test(v));
      if (fresh.length > 0) text = fresh[fresh.length - 1];
    }
  }
  return { title: titleOf(snap.node), scrollY, text, event: { type: events[last].type, timestamp: events[last].timestamp } };
}

/** Waits until the replay shows `expected` at `ms`, and returns what it shows. */
async function waitForFrame(page, ms, expected) {
  const read = () =>
    page.evaluate((at) => {
      const frame = document.querySelector('.td-player iframe');
      const doc = frame?.contentDocument;
      const event = window.tapedeck.player.getEventAtTime(at);
      return {
        frames: document.querySelectorAll('.td-player iframe').length,
        title: doc?.title ?? null,
        scrollY: frame?.contentWindow?.scrollY ?? null,
        maxScroll: doc ? doc.documentElement.scrollHeight - frame.contentWindow.innerHeight : null,
        body: doc?.body?.textContent ?? '',
        styleRules: doc ? [...doc.styleSheets].reduce((n, s) => n + s.cssRules.length, 0) : 0,
        event: event && { type: event.type, timestamp: event.timestamp },
        time: window.tapedeck.player.getCurrentTime(),
      };
    }, ms);
  const deadline = Date.now() + 20_000;
  let shown;
  for (;;) {
    shown = await read();
    const settled = shown.title === expected.title && shown.event?.timestamp === expected.event.timestamp;
    if (settled || Date.now() > deadline) break;
    await page.waitForTimeout(50);
  }
  assert.equal(shown.title, expected.title, `the page at ${ms} ms`);
  assert.deepEqual(shown.event, expected.event, `getEventAtTime(${ms})`);
  assert.equal(shown.frames, 1, 'one replay iframe (a rebuilt replay replaces the old one)');
  assert.ok(shown.styleRules > 100, `the page's stylesheet is applied (${shown.styleRules} rules)`);
  assert.ok(Math.abs(shown.scrollY - Math.min(expected.scrollY, shown.maxScroll)) <= 1, `scrolled to ${expected.scrollY} (max ${shown.maxScroll}), shows ${shown.scrollY}`);
  if (expected.text) assert.ok(shown.body.includes(expected.text), `the latest text change "${expected.text}" is shown`);
  return shown;
}

/** The loaded span's share of the timeline, as the scrubber shows it. */
const loadedShare = (page) =>
  page.evaluate(() => {
    const loaded = document.querySelector('.td-timeline__overview-loaded');
    return loaded.hidden ? 0 : loaded.getBoundingClientRect().width / loaded.parentElement.getBoundingClientRect().width;
  });

test('a ?t= link opens a two-hour session at that moment, showing the page as it was', async () => {
  const at = 45 * MINUTE + 12_345;
  const page = await playerPage(long.sessionId, `?t=${at}`);
  assert.equal(await now(page), at);
  assert.equal(await api(page, 'getDuration'), long.events.at(-1).timestamp - long.events[0].timestamp);
  await waitForFrame(page, at, expectedAt(long, at));
  const sandbox = await page.locator('.td-player iframe').getAttribute('sandbox');
  assert.ok(sandbox !== null && !sandbox.split(/\s+/).includes('allow-scripts'), `sandbox="${sandbox}"`);
  const share = await loadedShare(page);
  assert.ok(share > 0 && share < 0.1, `only the range around the playhead is loaded (${(share * 100).toFixed(1)} % of 2 h)`);
  await page.screenshot({ path: join(ARTIFACTS, 'player-long-session.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('seeks across the two-hour session show each target (10/50/90/100 %, back, and within the loaded span)', async () => {
  const page = await playerPage(long.sessionId);
  const duration = await api(page, 'getDuration');
  const targets = [0.1, 0.5, 0.9, 1, 0.3].map((f) => Math.round(duration * f));
  targets.push(targets[4] + 20_000, targets[4] - 40_000); // forward and back inside what is loaded
  for (const at of targets) {
    await api(page, 'seek', at);
    assert.equal(await now(page), at, 'the clock moves at once');
    await waitForFrame(page, at, expectedAt(long, at));
    const share = await loadedShare(page);
    assert.ok(share < 0.1, `the loaded span stays small after seeking to ${at} (${(share * 100).toFixed(1)} %)`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('playing at 16× loads ahead and keeps going', async () => {
  const start = 30 * MINUTE;
  const page = await playerPage(long.sessionId, `?t=${start}`);
  await api(page, 'setSpeed', 16);
  await api(page, 'play');
  // 150 s of recording at 16× is past the first range (two minutes after its keyframe).
  await page.waitForFunction((t) => window.tapedeck.player.getCurrentTime() > t, start + 150_000, { timeout: 30_000 });
  await api(page, 'pause');
  const at = await now(page);
  assert.equal(await playerState(page), 'paused');
  await waitForFrame(page, at, expectedAt(long, at));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('keyboard: space, ←/→, shift+←/→ to markers, [ and ], f, ? and Esc', async () => {
  const start = 20 * MINUTE;
  const page = await playerPage(long.sessionId, `?t=${start}`);
  await page.evaluate(() => document.activeElement?.blur());

  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('.td-player').dataset.state === 'playing');
  await page.waitForFunction((t) => window.tapedeck.player.getCurrentTime() > t, start);
  await page.keyboard.press('Space');
  assert.equal(await playerState(page), 'paused');

  await api(page, 'seek', start);
  await page.keyboard.press('ArrowRight');
  assert.equal(await now(page), start + 5_000, '→ is +5 s');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await now(page), start - 5_000, '← is -5 s');

  // Markers come from the timeline API, as the session page hands them to the player.
  const timeline = await (await fetch(`${server.url}/api/v1/sessions/${long.sessionId}/timeline`, { headers: { cookie } })).json();
  await page.locator('.td-marker').first().waitFor();
  const markerTimes = new Set(timeline.entries.map((e) => e.at));
  await page.keyboard.press('Shift+ArrowRight');
  const next = await now(page);
  assert.ok(next > start - 5_000 && markerTimes.has(next), `shift+→ lands on the next marker (${next})`);
  await page.keyboard.press('Shift+ArrowRight');
  const after = await now(page);
  assert.ok(after > next && markerTimes.has(after), `and on the one after (${after})`);
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await now(page), next, 'shift+← goes back to the previous marker');

  const speed = page.locator('select[aria-label="Playback speed"]');
  await page.keyboard.press('BracketLeft');
  assert.equal(await speed.inputValue(), '0.5', '[ is slower');
  await page.keyboard.press('BracketRight');
  await page.keyboard.press('BracketRight');
  assert.equal(await speed.inputValue(), '2', '] is faster');

  await page.keyboard.press('f');
  await page.waitForFunction(() => document.fullscreenElement?.classList.contains('td-player'));
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.fullscreenElement === null);

  await page.keyboard.press('Shift+Slash');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  for (const line of ['Play or pause', 'Back 5 seconds', 'Next event on the timeline', 'Fullscreen on or off']) {
    assert.ok(await help.getByText(line).isVisible(), `the help lists "${line}"`);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'player-help.png') });
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the timeline: a click on the bar seeks there, a marker shows its label and seeks to it, zoom', async () => {
  const page = await playerPage(long.sessionId, `?t=${10 * MINUTE}`);
  const duration = await api(page, 'getDuration');
  const track = await page.locator('.td-timeline__track').boundingBox();
  await page.mouse.click(track.x + track.width * 0.25, track.y + track.height / 2);
  await page.waitForFunction((d) => Math.abs(window.tapedeck.player.getCurrentTime() - d * 0.25) < d * 0.01, duration);

  const marker = page.locator('.td-marker--error').nth(3);
  await marker.waitFor();
  const markerAt = Number(await marker.getAttribute('data-at'));
  await marker.hover();
  const tooltip = page.locator('.td-timeline__tooltip');
  await tooltip.waitFor();
  assert.match(await tooltip.textContent(), /Error/, 'the tooltip names the marker');
  await page.screenshot({ path: join(ARTIFACTS, 'player-tooltip.png') });
  await marker.click();
  await page.waitForFunction((at) => window.tapedeck.player.getCurrentTime() === at, markerAt);
  await waitForFrame(page, markerAt, expectedAt(long, markerAt));

  const overview = page.locator('.td-timeline__overview');
  assert.equal(await overview.evaluate((el) => getComputedStyle(el).visibility), 'hidden', 'no overview before zooming');
  const zoomIn = page.getByRole('button', { name: 'Zoom into the timeline' });
  for (let i = 0; i < 5; i++) await zoomIn.click();
  assert.equal(await overview.evaluate((el) => getComputedStyle(el).visibility), 'visible', 'the overview shows the zoomed part');
  // 1/32 of 2 h is 3 m 45 s across the bar: the playhead sits inside it, the markers spread out.
  const scrubber = page.locator('input[aria-label="Seek"]');
  const [min, max] = [Number(await scrubber.getAttribute('min')), Number(await scrubber.getAttribute('max'))];
  assert.ok(max - min < duration / 30 && min <= markerAt && markerAt <= max, `zoomed to ${min}–${max} around ${markerAt}`);
  await page.screenshot({ path: join(ARTIFACTS, 'player-zoomed.png') });
  await page.locator('.td-timeline__main').hover();
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 200);
  assert.equal(await overview.evaluate((el) => getComputedStyle(el).visibility), 'hidden', 'the wheel zooms back out');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('resting the pointer on the timeline prefetches that range: the click that follows fetches nothing', async () => {
  const page = await playerPage(long.sessionId, `?t=${5 * MINUTE}`);
  const seekRequests = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/events') && url.searchParams.has('from')) seekRequests.push(Number(url.searchParams.get('from')));
  });
  const duration = await api(page, 'getDuration');
  const track = await page.locator('.td-timeline__track').boundingBox();
  const [x, y] = [track.x + track.width * 0.8, track.y + track.height / 2];
  const prefetched = page.waitForResponse((r) => r.url().includes('/events?') && r.url().includes('from='));
  await page.mouse.move(x, y);
  await prefetched;
  assert.equal(seekRequests.length, 1);
  assert.ok(Math.abs(seekRequests[0] - duration * 0.8) < duration * 0.01, `prefetched near 80 % (${seekRequests[0]})`);
  await page.mouse.click(x, y);
  const at = await now(page);
  await waitForFrame(page, at, expectedAt(long, at));
  assert.deepEqual(seekRequests.length, 1, 'the seek used the prefetched range');
  await page.context().close();
});

test('skip inactivity: inactive spans are shaded and jumped over; clicks ripple while playing', async () => {
  const page = await playerPage(short.sessionId);
  const { inactive } = await (await fetch(`${server.url}/api/v1/sessions/${short.sessionId}/timeline`, { headers: { cookie } })).json();
  const span = inactive.find((s) => s.to - s.from >= 15_000 && s.to < short.events.at(-1).timestamp - short.events[0].timestamp);
  assert.ok(span, 'the calm session has a long inactive span');
  await page.locator('.td-timeline__inactive').first().waitFor();
  assert.ok((await page.locator('.td-timeline__inactive').count()) >= 1, 'inactive spans are shaded on the timeline');

  await page.getByLabel('Skip inactivity').check();
  await api(page, 'seek', span.from + 500);
  const started = Date.now();
  await api(page, 'play');
  await page.waitForFunction((to) => window.tapedeck.player.getCurrentTime() >= to - 1_000, span.to, { timeout: 10_000 });
  const wall = Date.now() - started;
  assert.ok(wall < (span.to - span.from) / 2, `skipped ${span.to - span.from} ms of inactivity in ${wall} ms`);
  await api(page, 'pause');

  // A click while playing draws a ripple where the pointer is.
  await page.getByLabel('Skip inactivity').uncheck();
  const clickAt = short.events.find((e) => e.type === 3 && e.data.source === 2 && e.data.type === 2 && e.timestamp - short.events[0].timestamp > 5_000).timestamp - short.events[0].timestamp;
  await api(page, 'seek', clickAt - 1_500);
  const ripple = page.waitForSelector('.td-ripple', { state: 'attached', timeout: 10_000 });
  await api(page, 'play');
  await ripple;
  await api(page, 'pause');
  await page.context().close();
});

test('the speed menu changes the playback rate', async () => {
  const page = await playerPage(long.sessionId, `?t=${5 * MINUTE}`);
  await page.selectOption('select[aria-label="Playback speed"]', '8');
  const rate = await page.evaluate(async () => {
    const player = window.tapedeck.player;
    player.play();
    await new Promise((r) => setTimeout(r, 300));
    const [t0, w0] = [player.getCurrentTime(), performance.now()];
    await new Promise((r) => setTimeout(r, 1_000));
    const [t1, w1] = [player.getCurrentTime(), performance.now()];
    player.pause();
    return (t1 - t0) / (w1 - w0);
  });
  assert.ok(rate > 4, `at 8× the replay advanced ${rate.toFixed(2)} ms per wall-clock ms`);
  await page.screenshot({ path: join(ARTIFACTS, 'player-overview.png') });
  await page.context().close();
});

test('window.tapedeck.player: ready, getDuration, seek, getCurrentTime, getEventAtTime, play, pause, setSpeed, loadSession', async () => {
  const page = await playerPage(long.sessionId);
  await page.evaluate(() => window.tapedeck.player.ready);
  const duration = await api(page, 'getDuration');
  assert.equal(duration, long.events.at(-1).timestamp - long.events[0].timestamp);
  assert.equal(await now(page), 0);

  const at = 61 * MINUTE + 321;
  await api(page, 'seek', at);
  assert.equal(await now(page), at);
  await waitForFrame(page, at, expectedAt(long, at));
  const event = await api(page, 'getEventAtTime', at);
  assert.deepEqual({ type: event.type, timestamp: event.timestamp }, expectedAt(long, at).event);
  assert.equal(await api(page, 'seek', duration * 2), undefined);
  assert.equal(await now(page), duration, 'seeks are clamped to the session');
  await api(page, 'seek', at);
  await waitForFrame(page, at, expectedAt(long, at));

  await api(page, 'setSpeed', 4);
  assert.equal(await page.locator('select[aria-label="Playback speed"]').inputValue(), '4');
  await api(page, 'play');
  await page.waitForFunction((t) => window.tapedeck.player.getCurrentTime() > t + 1_000, at);
  await api(page, 'pause');
  const paused = await now(page);
  await page.waitForTimeout(300);
  assert.equal(await now(page), paused, 'pause holds the time');
  await api(page, 'setSpeed', 100);
  assert.equal(await page.locator('select[aria-label="Playback speed"]').inputValue(), '16', 'speeds are clamped to 16×');

  await api(page, 'loadSession', short.sessionId);
  await page.waitForURL(`${server.url}/sessions/${short.sessionId}`);
  assert.equal(await api(page, 'getDuration'), short.events.at(-1).timestamp - short.events[0].timestamp);
  const shortAt = 4 * MINUTE;
  await api(page, 'seek', shortAt);
  await waitForFrame(page, shortAt, expectedAt(short, shortAt));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** A page that draws on a canvas, recorded with `recordCanvas` (served from a temp dir). */
const CANVAS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Canvas</title></head>
<body style="margin:0">
<canvas id="c" width="120" height="40" style="display:block"></canvas>
<script>
  const ctx = document.getElementById('c').getContext('2d');
  ctx.fillStyle = 'rgb(255, 0, 0)';
  ctx.fillRect(0, 0, 40, 40);
  window.draw = (color, x) => { ctx.fillStyle = color; ctx.fillRect(x, 0, 40, 40); };
</script>
<script src="{{TAPEDECK}}/sdk/tapedeck.js"></script>
<script>Tapedeck.recorder = Tapedeck.init({ projectKey: '{{INGEST_KEY}}', endpoint: '{{TAPEDECK}}', privacy: 'balanced', recordCanvas: true });</script>
</body></html>`;

/** The colour of the pixel at (x, y) of a PNG screenshot. */
function pixel(png, x, y) {
  const i = (png.width * y + x) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

test('a recorded canvas shows what was drawn on it by the moment seeked to, scripts still off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-canvas-'));
  writeFileSync(join(dir, 'index.html'), CANVAS_PAGE);
  const site = await serveDirectory(dir, { '{{TAPEDECK}}': server.url, '{{INGEST_KEY}}': server.ingestKey });
  try {
    const live = await (await browser.newContext({ viewport: { width: 400, height: 200 } })).newPage();
    await live.goto(site.url);
    await live.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
    await live.waitForTimeout(600);
    await live.evaluate(() => window.draw('rgb(0, 0, 255)', 40));
    await live.waitForTimeout(600);
    const blueAt = await live.evaluate(() => Date.now());
    await live.waitForTimeout(600);
    await live.evaluate(() => window.draw('rgb(0, 160, 0)', 80));
    await live.waitForTimeout(600);
    const sessionId = await live.evaluate(() => window.Tapedeck.recorder.getSessionId());
    await live.evaluate(() => window.Tapedeck.recorder.flush());
    await live.context().close();

    const { events } = await (await fetch(`${server.url}/api/v1/sessions/${sessionId}/events`, { headers: { cookie } })).json();
    assert.ok(events.some((e) => e.type === 3 && e.data.source === 9), 'the drawing was recorded as canvas mutations');
    const player = await openEmbeddedReplay(browser, server.url, sessionId);
    const sandbox = await player.locator('iframe').getAttribute('sandbox');
    assert.ok(!sandbox.split(/\s+/).includes('allow-scripts'), `sandbox="${sandbox}"`);
    const canvas = player.frameLocator('iframe').locator('#c');
    const colours = async () => {
      const png = PNG.sync.read(await canvas.screenshot());
      return [pixel(png, 20, 20), pixel(png, 60, 20), pixel(png, 100, 20)].map((c) => c.join(','));
    };
    const red = '255,0,0';
    const blue = '0,0,255';
    const green = '0,160,0';
    /** Polls the canvas until `ok(colours)` or 10 s pass; returns the last colours. */
    const settle = async (ok) => {
      const deadline = Date.now() + 10_000;
      let seen = await colours();
      while (!ok(seen) && Date.now() < deadline) {
        await player.waitForTimeout(100);
        seen = await colours();
      }
      return seen;
    };
    // Seek to the end, then back to after the blue square and before the green one.
    await player.evaluate(() => window.tapedeck.player.seek(window.tapedeck.player.getDuration()));
    await player.evaluate((ms) => window.tapedeck.player.seek(ms), blueAt - events[0].timestamp);
    const before = await settle(([a, b]) => a === red && b === blue);
    assert.deepEqual(before.slice(0, 2), [red, blue], 'the snapshot image and the blue square drawn after it');
    assert.notEqual(before[2], green, 'the green square is not drawn yet');
    await player.evaluate(() => window.tapedeck.player.seek(window.tapedeck.player.getDuration()));
    assert.deepEqual(await settle(([, , c]) => c === green), [red, blue, green], 'at the end all three squares show');
    await player.screenshot({ path: join(ARTIFACTS, 'player-canvas.png') });
    await player.context().close();
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
