// Project settings in the web app reach recorders: an owner changes the privacy level on
// /settings/projects, a refused selector is shown at its field, and recorder-config answers
// the saved settings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch } from '../lib/browser.mjs';
import { OWNER_EMAIL, OWNER_PASSWORD, startServer } from '../lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
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
