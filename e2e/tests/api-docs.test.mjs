// The API reference page (/api/docs, Swagger UI over /api/v1/openapi.json) in real Chromium:
// it renders every documented operation from files this server sends — no CDN, so it works
// offline — under the web app's Content-Security-Policy without a single violation.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');

let server;
let browser;

before(async () => {
  server = await startServer({ owner: false });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Returns the number of operations in an OpenAPI document. */
function operationCount(doc) {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
  return Object.values(doc.paths).reduce(
    (n, item) => n + methods.filter((m) => item[m] !== undefined).length,
    0,
  );
}

test('the docs page renders every operation offline and under the CSP', async () => {
  const doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  assert.equal(doc.openapi, '3.1.0');
  const operations = operationCount(doc);
  assert.ok(operations > 40, `${operations} operations`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Offline: any request that leaves this server fails, and is remembered.
  const foreign = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(server.url)) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const complaints = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) complaints.push(m.text());
  });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));

  const response = await page.goto(`${server.url}/api/docs`);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);

  await page.locator('.opblock').first().waitFor();
  assert.equal(await page.locator('.opblock').count(), operations);
  assert.equal(await page.locator('.info .title').first().innerText().then((t) => t.includes('Tapedeck API')), true);
  // An operation opens to show its parameters and documented errors.
  await page.locator('#operations-sessions-getSessionEvents .opblock-summary').click();
  const events = page.locator('#operations-sessions-getSessionEvents');
  await events.locator('.parameters').waitFor();
  assert.match(await events.innerText(), /invalid_query/);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: resolve(ARTIFACTS, 'api-docs.png') });
  assert.deepEqual(complaints, []);
  assert.deepEqual(foreign, []);
  await context.close();
});
