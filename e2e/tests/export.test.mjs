// Export and import of one session: the recorded fixture session is ingested, exported with the
// CLI as a .tapedeck file (imported back, getting a new id) and as one HTML page, which then
// replays in Chromium from a file:// URL with the server stopped: no server, no network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { logIn, login, startServer } from '../lib/server.mjs';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/recorded-form-session.json');
const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
/** Text of the recorded page (the fixture's form site). */
const PAGE_TEXT = 'Acme Support Portal';

let server;
let browser;
let cookie;
let sessionId;
let outDir;

function tapedeck(args) {
  const bin = process.env.TAPEDECK_BIN ?? resolve(import.meta.dirname, '../../target/debug/tapedeck');
  const run = spawnSync(bin, [...args, '--data-dir', server.dataDir], { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } });
  assert.equal(run.status, 0, `tapedeck ${args.join(' ')} failed:\n${run.stderr}`);
  return run;
}

before(async () => {
  server = await startServer();
  browser = await launch();
  cookie = await login(server.url);
  outDir = mkdtempSync(join(tmpdir(), 'tapedeck-export-'));
  const { batches } = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  for (const batch of batches) {
    const response = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey },
      body: JSON.stringify(batch),
    });
    assert.equal(response.status, 200, await response.text());
  }
  sessionId = batches[0].session_id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('the API answers both formats as downloads', async () => {
  for (const [format, type] of [['tapedeck', 'application/vnd.tapedeck'], ['html', 'text/html; charset=utf-8']]) {
    const response = await fetch(`${server.url}/api/v1/sessions/${sessionId}/export?format=${format}`, { headers: { cookie } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), type);
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="tapedeck-${sessionId}.${format}"`);
    assert.equal(response.headers.get('content-length'), null, 'the file streams');
    const body = Buffer.from(await response.arrayBuffer());
    assert.ok(body.length > 1000, `${format}: ${body.length} bytes`);
  }
});

test('the player page downloads the session from its Download menu', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
  await logIn(page, server.url);
  await page.goto(`${server.url}/sessions/${sessionId}`);
  await page.evaluate(() => window.tapedeck.player.ready);
  const downloadAs = async (item, name) => {
    await page.getByText('Download', { exact: true }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: item }).click()]);
    assert.equal(download.suggestedFilename(), `tapedeck-${sessionId}.${name}`);
    const saved = join(outDir, `from-web-app.${name}`);
    await download.saveAs(saved);
    await page.getByText('Download', { exact: true }).waitFor(); // the progress line is gone again
    return readFileSync(saved);
  };
  const html = (await downloadAs(/HTML replay/, 'html')).toString('utf8');
  assert.match(html, /id="tapedeck-events" data-encoding="gzip\+base64"/);
  assert.match(html, /<\/html>\s*$/, 'the whole page arrived');

  // The .tapedeck download is a valid export: the server imports it back.
  const file = await downloadAs(/Tapedeck file/, 'tapedeck');
  assert.ok(file.subarray(0, 19).equals(Buffer.from('TAPEDECK-SESSION 1\n')));
  const projects = await (await fetch(`${server.url}/api/v1/projects`, { headers: { cookie } })).json();
  const imported = await fetch(`${server.url}/api/v1/sessions/import?project_id=${projects.projects[0].id}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body: file,
  });
  assert.equal(imported.status, 201, await imported.clone().text());
  const answer = await imported.json();
  assert.equal(answer.original_session_id, sessionId);
  assert.equal(answer.events, (await (await fetch(`${server.url}/api/v1/sessions/${sessionId}`, { headers: { cookie } })).json()).event_count);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.getByText('Download', { exact: true }).click();
  await page.screenshot({ path: join(ARTIFACTS, 'download-menu.png') });
  await page.context().close();
});

test('the CLI exports a .tapedeck file and imports it back as a new session', async () => {
  const file = join(outDir, 'session.tapedeck');
  const exported = tapedeck(['export', sessionId, '-o', file]);
  assert.match(exported.stderr, /wrote window 1\/1 \(\d+ events, \d+ bytes so far\)/, 'progress on stderr');
  assert.ok(readFileSync(file).subarray(0, 19).equals(Buffer.from('TAPEDECK-SESSION 1\n')));
  const imported = tapedeck(['import', file]);
  assert.match(imported.stderr, /stored batch \d+\/\d+/);
  const newId = imported.stdout.trim().split('\n').at(-1);
  assert.notEqual(newId, sessionId, 'the original id is taken here');
  const events = async (id) =>
    (await (await fetch(`${server.url}/api/v1/sessions/${id}/events`, { headers: { cookie } })).json()).events;
  assert.deepEqual(await events(newId), await events(sessionId));
});

test('the HTML export replays in Chromium from a file:// URL with no server', async () => {
  const file = join(outDir, 'session.html');
  tapedeck(['export', sessionId, '-o', file, '--format', 'html']);
  console.log(`HTML export of the fixture session: ${statSync(file).size} bytes`);
  await server.halt();

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused/.test(m.text()) && problems.push(m.text()));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => window.tapedeck?.player);
  await page.evaluate(() => window.tapedeck.player.ready);

  const iframe = page.locator('#tapedeck-player iframe');
  const sandbox = await iframe.getAttribute('sandbox');
  assert.notEqual(sandbox, null, 'the replay iframe is sandboxed');
  assert.ok(!sandbox.split(/\s+/).includes('allow-scripts'), `sandbox="${sandbox}" allows no scripts`);
  const replay = page.frameLocator('#tapedeck-player iframe');
  await replay.getByText(PAGE_TEXT).first().waitFor();
  assert.ok(await page.getByText('Ada Fixture').isVisible(), 'the header names the user');
  assert.ok(await page.locator('#tapedeck-status').isHidden(), 'the loading line is gone');
  assert.deepEqual(problems, []);
  assert.ok(!requests.some((u) => u.startsWith(server.url)), 'nothing is fetched from the server');

  // Playing works offline too.
  await page.evaluate(() => window.tapedeck.player.play());
  await page.waitForFunction(() => window.tapedeck.player.getCurrentTime() > 0);
  await page.evaluate(() => window.tapedeck.player.pause());
  await page.evaluate(() => window.tapedeck.player.seek(0));

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'html-export.png') });
  await page.context().close();
});
