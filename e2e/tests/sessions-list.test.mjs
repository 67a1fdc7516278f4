// The sessions list in real Chromium against a real server: varied sessions are ingested (users,
// pages, console errors, failed requests, rage clicks, tags, tickets, a mobile visitor), then the
// list is searched and filtered through its search box and chips, the filters ride in the URL and
// survive a reload, a result opens its player; a view is saved and applied again; two sessions
// are tagged in bulk and found by the tag; the Info tab links a ticket; the end-user page lists
// one user's sessions; a long list renders only the rows in view and pages in as it scrolls.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from '../lib/browser.mjs';
import { login, OWNER_EMAIL, OWNER_PASSWORD, startServer } from '../lib/server.mjs';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const MINUTE = 60_000;
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
/** Sessions of the long list (virtual scrolling); more than two pages of 50. */
const MANY = 120;

let server;
let browser;
let cookie;

/**
 * The varied sessions, newest first (`ago`: minutes before now that each started), so the
 * default order (newest first) is this order.
 */
const SESSIONS = [
  { id: 'anon-home', ago: 2, pages: ['/'], ua: MOBILE_UA, width: 390, seconds: 25 },
  { id: 'cy-search', ago: 6, user: { id: 'u-cy', name: 'Cy Young' }, pages: ['/search?q=boots', '/products/7'], tags: { beta: '' }, seconds: 75 },
  { id: 'bob-rage', ago: 20, user: { id: 'u-bob', email: 'bob@example.com' }, pages: ['/products/42'], rage: true, custom: 'wishlist.add', seconds: 50 },
  { id: 'ada-account', ago: 65, user: { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace' }, pages: ['/account/settings'], seconds: 40 },
  {
    id: 'dee-refund',
    ago: 180,
    user: { id: 'u-dee', email: 'dee@example.com', name: 'Dee Okafor' },
    pages: ['/orders/77', '/orders/77/refund'],
    consoleError: 'Refund failed: upstream timeout',
    request: { method: 'POST', url: 'https://shop.example/api/refunds', status: 0 },
    seconds: 95,
  },
  {
    id: 'ada-checkout',
    ago: 24 * 60,
    user: { id: 'u-ada', email: 'ada@example.com', name: 'Ada Lovelace' },
    pages: ['/cart', '/checkout', '/checkout/payment'],
    consoleError: 'TypeError: card.number is undefined',
    request: { method: 'POST', url: 'https://shop.example/api/pay', status: 500 },
    rage: true,
    tags: { plan: 'pro' },
    ticket: { ref: 'ZD-1234', url: 'https://support.example.com/tickets/1234' },
    experiments: { 'new-checkout': 'B' },
    seconds: 185,
  },
];

/** A small page as rrweb serializes it: a heading naming the path. */
function snapshotOf(path) {
  const el = (id, tagName, childNodes) => ({ type: 2, id, tagName, attributes: {}, childNodes });
  const body = el(4, 'body', [el(5, 'h1', [{ type: 3, id: 6, textContent: `Shop ${path}` }])]);
  return { type: 0, id: 1, childNodes: [el(2, 'html', [el(3, 'head', []), body])] };
}

/** Posts one session as one batch: page views, the facts asked for, and a last move at `seconds`. */
async function ingest(s, { host = 'https://shop.example', startMs = Date.now() - s.ago * MINUTE, seq = 0 } = {}) {
  const width = s.width ?? 1280;
  const urls = s.pages.map((p) => `${host}${p}`);
  let t = startMs;
  const events = [
    { type: 4, timestamp: t, data: { href: urls[0], width, height: 800 } },
    { type: 2, timestamp: t + 1, data: { node: snapshotOf(s.pages[0]), initialOffset: { left: 0, top: 0 } } },
  ];
  for (const url of urls.slice(1)) {
    t += 5000;
    events.push({ type: 4, timestamp: t, data: { href: url, width, height: 800 } });
  }
  const custom = (tag, payload) => events.push({ type: 5, timestamp: (t += 1000), data: { tag, payload } });
  if (s.consoleError) custom('tapedeck.console', { level: 'error', args: [s.consoleError] });
  if (s.request) custom('tapedeck.network', { ...s.request, duration: 120 });
  if (s.custom) custom(s.custom, { sku: '42' });
  if (s.rage) {
    t += 1000;
    for (let i = 0; i < 5; i += 1) events.push({ type: 3, timestamp: (t += 90), data: { source: 2, type: 2, id: 1, x: 300, y: 200 } });
  }
  events.push({ type: 3, timestamp: startMs + s.seconds * 1000, data: { source: 1, positions: [{ x: 5, y: 5, id: 1, timeOffset: 0 }] } });
  const meta = {
    url: urls[0],
    user_agent: s.ua ?? DESKTOP_UA,
    viewport: { width, height: 800 },
    ...(s.user && { user: s.user }),
    ...(s.tags && { tags: s.tags }),
    ...(s.ticket && { ticket: s.ticket.ref, ticket_url: s.ticket.url }),
    ...(s.experiments && { experiments: s.experiments }),
  };
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tapedeck-project': server.ingestKey },
    body: JSON.stringify({ session_id: s.id, window_id: 'w-1', seq, meta, events }),
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  // Sessions stop being live 3 s after their last batch, so the screenshot can show both kinds.
  server = await startServer({ env: { TAPEDECK_SESSION_IDLE_SECS: '3' } });
  cookie = await login(server.url);
  for (const s of SESSIONS) await ingest(s);
  // The long list: on another host, a month back, so it stays below the varied ones.
  for (let i = 0; i < MANY; i += 1) {
    await ingest({ id: `bulk-${String(i).padStart(3, '0')}`, pages: ['/bulk'], tags: { bulk: '' }, seconds: 10 }, {
      host: 'https://bulk.example',
      startMs: Date.now() - 30 * 24 * 60 * MINUTE - i * MINUTE,
    });
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function loggedInPage(path = '/') {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${server.url}/login?next=${encodeURIComponent(path)}`);
  await page.fill('input[type=email]', OWNER_EMAIL);
  await page.fill('input[type=password]', OWNER_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}${path}`);
  return page;
}

/** The query string the list shows now (no '?'). */
const search = (page) => new URL(page.url()).searchParams.toString();

/**
 * Waits until the list answers `query` (its query string; default: the address bar's) and
 * returns the ids of the sessions it shows, in order.
 */
async function shownIds(page, query) {
  await page.waitForFunction(
    (q) => {
      const el = document.querySelector('.session-results');
      return el && el.dataset.phase !== 'loading' && el.dataset.query === (q ?? new URLSearchParams(location.search).toString());
    },
    query ?? null,
  );
  return page.$$eval('.session-row[data-session-id]', (rows) => rows.map((r) => r.dataset.sessionId));
}

/** Adds a filter through "+ Filter": picks `param` in the menu, types or picks `value`, applies. */
async function addFilter(page, param, value) {
  const before = search(page);
  await page.click('.add-filter__button');
  await page.click(`.menu__item[data-param="${param}"]`);
  const input = page.locator(`#filter-input-${param}`);
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
  else await input.fill(value);
  await page.click('.filter-editor button[type=submit]');
  await page.waitForFunction((b) => new URLSearchParams(location.search).toString() !== b, before);
}

const varied = (ids) => ids.filter((id) => !id.startsWith('bulk-'));

test('free text finds a console error; the URL carries it, a reload keeps it, a click opens the player', async () => {
  const page = await loggedInPage();
  assert.deepEqual(varied(await shownIds(page)), SESSIONS.map((s) => s.id), 'newest first');
  // "/" jumps to the search box; the list follows the typing.
  await page.keyboard.press('/');
  await page.keyboard.type('card.number undefined');
  await page.waitForURL(/\?q=card\.number\+undefined$/);
  assert.deepEqual(await shownIds(page), ['ada-checkout']);

  await page.reload();
  assert.deepEqual(await shownIds(page), ['ada-checkout'], 'the reloaded page lists the same');
  assert.equal(await page.inputValue('input[aria-label="Search sessions"]'), 'card.number undefined');

  await page.fill('input[aria-label="Search sessions"]', 'refunds');
  await page.waitForURL(/\?q=refunds$/);
  assert.deepEqual(await shownIds(page), ['dee-refund'], 'a failed request URL is searchable text');

  await page.locator('.session-row[data-session-id="dee-refund"] .cell--started').click();
  await page.waitForURL(`${server.url}/sessions/dee-refund`);
  await page.evaluate(() => window.tapedeck.player.ready);
  await page.goBack();
  assert.deepEqual(await shownIds(page), ['dee-refund'], 'back returns to the searched list');
  await page.context().close();
});

test('chips filter by URL, errors, user, device, date and project, combine, and back undoes one', async () => {
  const page = await loggedInPage();
  await shownIds(page);
  await addFilter(page, 'url', '/checkout');
  assert.equal(search(page), 'url=%2Fcheckout');
  assert.deepEqual(await shownIds(page), ['ada-checkout']);
  await page.click('.filter-chip[data-param="url"] .filter-chip__remove');

  await addFilter(page, 'has_errors', 'true');
  assert.deepEqual(await shownIds(page), ['dee-refund', 'ada-checkout']);
  await addFilter(page, 'user', 'ada');
  assert.equal(search(page), 'user=ada&has_errors=true');
  assert.deepEqual(await shownIds(page), ['ada-checkout'], 'both chips apply');
  assert.deepEqual(
    await page.$$eval('.filter-chip', (chips) => chips.map((c) => [c.dataset.param, c.querySelector('.filter-chip__value').textContent])),
    [
      ['user', 'ada'],
      ['has_errors', 'Has errors'],
    ],
    'the chips read as the filters',
  );

  await page.reload();
  assert.deepEqual(await shownIds(page), ['ada-checkout'], 'the filters survive a reload');
  await page.goBack();
  assert.deepEqual(await shownIds(page), ['dee-refund', 'ada-checkout'], 'back drops the last chip');

  await addFilter(page, 'device', 'mobile');
  assert.deepEqual(await shownIds(page), [], 'no mobile session has errors');
  await page.getByText('No sessions match').waitFor();
  await page.click('button:has-text("Clear filters")');
  assert.equal(search(page), '');
  assert.equal(varied(await shownIds(page)).length, SESSIONS.length);

  // A date from the editor's quick picks: the month-old sessions drop out.
  await page.goto(`${server.url}/?tag=bulk`);
  assert.equal((await shownIds(page)).length > 0, true);
  await page.click('.add-filter__button');
  await page.click('.menu__item[data-param="from"]');
  await page.click('.filter-editor button:has-text("7 days ago")');
  await page.click('.filter-editor button[type=submit]');
  await page.waitForURL(/\?tag=bulk&from=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A00Z$/);
  assert.deepEqual(await shownIds(page), []);
  assert.match(await page.locator('.filter-chip[data-param="from"]').innerText(), /Started after\s*\d{4}-\d\d-\d\d \d\d:\d\d/);

  // A project chip reads as the project's name; with one project there is nothing to pick.
  const { projects } = await (await fetch(`${server.url}/api/v1/projects`, { headers: { cookie } })).json();
  await page.goto(`${server.url}/?project_id=${projects[0].id}`);
  assert.equal(varied(await shownIds(page)).length, SESSIONS.length);
  assert.equal(await page.locator('.filter-chip[data-param="project_id"] .filter-chip__value').innerText(), 'Default');
  await page.click('.add-filter__button');
  assert.equal(await page.locator('.menu__item[data-param="url"]').count(), 1);
  assert.equal(await page.locator('.menu__item[data-param="project_id"], .menu__item[data-param="organization_id"]').count(), 0);
  await page.context().close();
});

test('a value the server refuses marks its chip and says why; removing the chip recovers', async () => {
  const page = await loggedInPage('/?url=%2Fcheckout&min_duration=soon');
  assert.deepEqual(await shownIds(page), []);
  await page.locator('.notice--error', { hasText: 'min_duration' }).waitFor();
  assert.deepEqual(await page.$$eval('.filter-chip--invalid', (chips) => chips.map((c) => c.dataset.param)), ['min_duration']);
  await page.click('.filter-chip[data-param="min_duration"] .filter-chip__remove');
  assert.deepEqual(await shownIds(page), ['ada-checkout']);
  assert.equal(await page.locator('.filter-chip--invalid').count(), 0);
  await page.context().close();
});

test('rows show the user, badges, tags and the ticket; the user links to their page', async () => {
  const page = await loggedInPage('/?ticket=ZD-1234');
  assert.deepEqual(await shownIds(page), ['ada-checkout'], 'the SDK ticket is a link to filter by');
  const row = page.locator('.session-row[data-session-id="ada-checkout"]');
  assert.match(await row.locator('.badge--error').innerText(), /\d+ errors?/);
  assert.match(await row.locator('.badge--rage').innerText(), /rage/);
  assert.equal(await row.locator('.tag').innerText(), 'plan: pro');
  assert.equal(await row.locator('a.row-link').getAttribute('href'), 'https://support.example.com/tickets/1234');
  assert.match(await row.locator('.cell--url').innerText(), /\/cart/);

  await row.locator('.cell--user a').click();
  await page.waitForURL(`${server.url}/users/u-ada`);
  await page.locator('.user-card h1', { hasText: 'Ada Lovelace' }).waitFor();
  assert.deepEqual(await shownIds(page, 'user_id=u-ada'), ['ada-account', 'ada-checkout']);
  assert.equal(await page.locator('.user-card a.row-link').innerText(), 'ZD-1234 ↗', "the user's tickets");
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'end-user.png') });
  await page.context().close();
});

test('a saved view stores the filters and applies them again', async () => {
  const page = await loggedInPage('/?has_errors=true&sort=duration');
  assert.deepEqual(await shownIds(page), ['ada-checkout', 'dee-refund'], 'longest first');
  await page.click('.views__button');
  await page.click('button:has-text("Save current view")');
  await page.fill('.save-view input:not([type=checkbox])', 'Errors, longest first');
  await page.check('.save-view input[type=checkbox]');
  await page.click('.save-view button[type=submit]');
  await page.locator('.views__button', { hasText: 'Errors, longest first' }).waitFor();

  const views = await (await fetch(`${server.url}/api/v1/views`, { headers: { cookie } })).json();
  const saved = views.views.find((v) => v.name === 'Errors, longest first');
  assert.deepEqual(saved.filters, { has_errors: 'true', sort: 'duration' });
  assert.equal(saved.shared, true);

  await page.goto(`${server.url}/`);
  await shownIds(page);
  await page.click('.views__button');
  await page.click('.views__apply:has-text("Errors, longest first")');
  await page.waitForURL(/\?has_errors=true&sort=duration$/);
  assert.deepEqual(await shownIds(page), ['ada-checkout', 'dee-refund']);

  await page.click('.views__button');
  await page.click('button[aria-label="Delete view Errors, longest first"]');
  await page.locator('.views__empty', { hasText: 'None saved yet' }).waitFor();
  const left = await (await fetch(`${server.url}/api/v1/views`, { headers: { cookie } })).json();
  assert.deepEqual(left.views, [], 'deleted on the server');
  await page.context().close();
});

test('two sessions tagged in bulk (a shift-click range) are found by the tag', async () => {
  const page = await loggedInPage();
  await shownIds(page);
  await page.click('.session-row[data-session-id="cy-search"] input[type=checkbox]');
  await page.click('.session-row[data-session-id="bob-rage"] input[type=checkbox]', { modifiers: ['Shift'] });
  await page.locator('.bulk-bar', { hasText: '2 selected' }).waitFor();
  await page.click('.bulk-bar button:has-text("Add tag")');
  await page.fill('.bulk-bar input', 'escalated');
  await page.click('.bulk-bar button[type=submit]');
  await page.locator('.bulk-bar', { hasText: 'Tagged 2 sessions' }).waitFor();
  assert.equal(await page.locator('.session-row[data-session-id="bob-rage"] .tag', { hasText: 'escalated' }).count(), 1, 'the row shows the new tag');

  await page.goto(`${server.url}/?tag=escalated`);
  assert.deepEqual(await shownIds(page), ['cy-search', 'bob-rage']);

  // And removed in bulk again, from the filtered list (select all).
  await page.click('input[aria-label="Select all loaded sessions"]');
  await page.click('.bulk-bar button:has-text("Remove tag")');
  await page.fill('.bulk-bar input', 'escalated');
  await page.click('.bulk-bar button[type=submit]');
  await page.locator('.bulk-bar', { hasText: 'Untagged 2 sessions' }).waitFor();
  await page.click('button:has-text("Refresh")');
  assert.deepEqual(await shownIds(page), [], 'no session has the tag any more');
  await page.context().close();
});

test('the Info tab links a ticket and adds a tag, and the list finds the session by both', async () => {
  const page = await loggedInPage('/sessions/bob-rage');
  await page.click('[role=tab]:has-text("Info")');
  await page.click('button:has-text("Link a ticket")');
  await page.fill('input[aria-label=Reference]', 'JIRA-77');
  await page.fill('input[aria-label="URL (optional)"]', 'https://issues.example.com/JIRA-77');
  await page.click('.link-form button[type=submit]');
  await page.locator('.link-item a', { hasText: 'JIRA-77' }).waitFor();
  await page.fill('input[aria-label="New tag"]', 'priority:high');
  await page.click('.inline-form button[type=submit]');
  await page.locator('.tag--editable', { hasText: 'priority: high' }).waitFor();

  await page.goto(`${server.url}/?ticket=JIRA-77&tag=priority%3Ahigh`);
  assert.deepEqual(await shownIds(page), ['bob-rage']);
  await page.context().close();
});

test('a long list renders the rows in view only and pages in as it scrolls', async () => {
  const page = await loggedInPage('/?tag=bulk');
  const first = await shownIds(page);
  assert.equal(first[0], 'bulk-000');
  assert.ok(first.length < 50, `only the rows in view are in the DOM (${first.length})`);
  const last = `bulk-${String(MANY - 1).padStart(3, '0')}`;
  // Scroll to the bottom until the last session is rendered: each page arrives as the end nears.
  const deadline = Date.now() + 20_000;
  while (!(await page.locator(`.session-row[data-session-id="${last}"]`).count())) {
    assert.ok(Date.now() < deadline, 'the last session appeared while scrolling');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => !document.querySelector('.list-foot .spinner'));
  }
  await page.getByText(`${MANY} sessions — that is all.`).waitFor();
  const rendered = await page.locator('.session-row[data-session-id]').count();
  assert.ok(rendered < 50, `scrolled down, still only a window of rows (${rendered} of ${MANY})`);
  assert.equal(await page.locator('.session-row[data-session-id="bulk-000"]').count(), 0, 'the first rows left the DOM');
  await page.context().close();
});

test('screenshot: the list with chips, badges and a live session', async () => {
  // Wait (polling, with a deadline) until nothing is live, then make one session live again.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const live = await (await fetch(`${server.url}/api/v1/sessions?live=true&limit=1`, { headers: { cookie } })).json();
    if (live.sessions.length === 0) break;
    assert.ok(Date.now() < deadline, 'sessions stop being live after the idle time');
    await new Promise((r) => setTimeout(r, 250));
  }
  await ingest({ ...SESSIONS[0], ago: 0 }, { seq: 1, startMs: Date.now() - 2 * MINUTE });
  const page = await loggedInPage('/?url=shop.example&min_duration=20');
  await shownIds(page);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'sessions-list.png') });
  await page.context().close();
});
