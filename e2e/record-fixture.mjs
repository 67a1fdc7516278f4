// Records fixtures/recorded-form-session.json: the ingest batches the real SDK sends while a user
// fills the e2e fixture form in real Chromium. Rust tests replay these batches through ingest.
// Run: node e2e/record-fixture.mjs (after `make build-js` and `cargo build -p tapedeck`).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { launch } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { serveDirectory } from './lib/static-server.mjs';

const server = await startServer();
const site = await serveDirectory(resolve(import.meta.dirname, 'fixtures'), { '{{TAPEDECK}}': server.url, '{{INGEST_KEY}}': server.ingestKey });
const browser = await launch();
const batches = [];
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  const page = await context.newPage();
  context.on('request', (request) => {
    if (!request.url().includes('/api/v1/ingest') || request.method() !== 'POST') return;
    const body = request.postDataBuffer();
    const json = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    batches.push(JSON.parse(json.toString('utf8')));
  });
  await page.goto(site.url);
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await page.evaluate(() => window.Tapedeck.recorder.identify('u-fixture', { email: 'ada@fixture.test', name: 'Ada Fixture' }));
  await page.fill('#name', 'Ada Lovelace');
  await page.click('#add');
  // Flush before leaving: Playwright does not report the keepalive request sent on pagehide.
  await page.evaluate(() => window.Tapedeck.recorder.flush());
  await page.goto(`${site.url}/?step=2`);
  await page.waitForFunction(() => window.Tapedeck?.recorder?.getSessionId());
  await page.evaluate(() => window.Tapedeck.recorder.identify('u-fixture', { email: 'ada@fixture.test', name: 'Ada Fixture' }));
  await page.fill('#company', 'Analytical Engines Ltd');
  await page.click('#add');
  await page.evaluate(() => window.Tapedeck.recorder.flush());
  await page.waitForTimeout(500);
} finally {
  await browser.close();
  await site.close();
  await server.stop();
}
batches.sort((a, b) => a.seq - b.seq);
const out = resolve(import.meta.dirname, '../fixtures/recorded-form-session.json');
writeFileSync(out, JSON.stringify({ recorded_with: 'e2e/record-fixture.mjs', site: site.url, batches }, null, 1));
console.log(`wrote ${batches.length} batches (${batches.reduce((n, b) => n + b.events.length, 0)} events) to ${out}`);
