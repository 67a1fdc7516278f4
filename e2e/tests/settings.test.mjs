// Project settings in the web app reach recorders: an owner changes the privacy level on
// /settings/projects, a refused selector is shown at its field, and recorder-config answers
// the saved settings. On a server with a second storage region, a new project is pinned to the
// region chosen in its form, and its batches are stored there.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { launch } from '../lib/browser.mjs';
import { logIn, OWNER_EMAIL, OWNER_PASSWORD, startServer } from '../lib/server.mjs';

let server;
let browser;
/** The directory of the server's second storage region, `eu`. */
const euDir = mkdtempSync('/tmp/tapedeck-e2e-eu-');

before(async () => {
  server = await startServer({ env: { TAPEDECK_REGIONS__EU__BLOB_STORE: `file://${euDir}` } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(euDir, { recursive: true, force: true });
});

test('privacy level changed in the settings page reaches recorder-config', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/settings/projects`);
  await page.waitForURL(/\/login/);
  await page.fill('input[type=email]', OWNER_EMAIL);
  await page.fill('input[type=password]', OWNER_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.settings-card__title');

  await page.check('input[type=radio][value=minimal]');
  await page.fill('textarea[id$=mask_selectors]', '.ok\n<b>');
  await page.click('button:has-text("Save changes")');
  const error = await page.textContent('.setting-row__error');
  assert.match(error, /Mask selectors: entry 2/);

  await page.fill('textarea[id$=mask_selectors]', '.ok');
  await page.click('button:has-text("Save changes")');
  await page.waitForSelector('.status-ok');

  const config = await (await fetch(`${server.url}/api/v1/recorder-config?project=${server.ingestKey}`)).json();
  assert.equal(config.privacy, 'minimal');
  assert.deepEqual(config.mask_selectors, ['.ok']);

  await page.reload();
  await page.waitForSelector('.settings-card__title');
  assert.equal(await page.isChecked('input[type=radio][value=minimal]'), true, 'saved across reloads');
});

test('a new project is pinned to the storage region chosen in its form', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, server.url);
  await page.goto(`${server.url}/settings/projects`);
  await page.getByRole('button', { name: 'New project' }).click();
  await page.fill('input[placeholder="Checkout web"]', 'EU shop');
  await page.getByLabel('Storage region').selectOption('eu');
  await page.getByRole('button', { name: 'Create project' }).click();
  const card = page.locator('section[aria-label="Project EU shop"]');
  await card.waitFor();
  assert.equal((await card.getByText(/^Region:/).textContent()).trim(), 'Region: eu');

  const key = (await card.locator('.copy-line__value').first().textContent()).trim();
  const batch = {
    session_id: 'eu-session-1', window_id: 'w-1', seq: 0, meta: { url: 'https://shop.test/' },
    events: [{ type: 4, timestamp: Date.now(), data: { href: 'https://shop.test/', width: 800, height: 600 } }],
  };
  const stored = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tapedeck-project': key },
    body: JSON.stringify(batch),
  });
  assert.equal(stored.status, 200);
  assert.ok(readdirSync(euDir, { recursive: true }).length > 0, 'the batch is in the eu region');
  await context.close();
});
