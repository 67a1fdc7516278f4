// The settings area in real Chromium, as a support lead uses it: an owner invites a member by
// link, the invitee opens it in a fresh browser context, sets a password and lands signed in;
// the owner changes the member's role; creates an API key (the secret is shown once) and revokes
// it; rotates an ingest key; the audit page lists these actions and filters by action; the (now)
// viewer sees the settings read-only; a password reset link and the account page's password
// change work. The tests run in order and share the server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { launch } from '../lib/browser.mjs';
import { OWNER_EMAIL, OWNER_PASSWORD, startServer } from '../lib/server.mjs';

const INVITEE_EMAIL = 'support.agent@e2e.test';
const INVITEE_PASSWORD = 'agent password 1';

let server;
let browser;
let owner; // the owner's page, signed in
let invitee; // the invitee's page, in its own browser context
let apiKeySecret;

before(async () => {
  server = await startServer();
  browser = await launch();
  owner = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await owner.goto(`${server.url}/settings/members`);
  await owner.waitForURL(/\/login\?next=/);
  await owner.fill('input[type=email]', OWNER_EMAIL);
  await owner.fill('input[type=password]', OWNER_PASSWORD);
  await owner.click('button[type=submit]');
  await owner.waitForURL(/\/settings\/members$/);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Calls the API from a page, with its login cookie. */
function apiFrom(page, path) {
  return page.evaluate(async (p) => {
    const response = await fetch(p);
    return { status: response.status, body: await response.json().catch(() => null) };
  }, path);
}

test('an owner invites a member, who joins from the link in a fresh browser and lands signed in', async () => {
  await owner.click('button:has-text("Invite member")');
  await owner.fill('form[aria-label="Invite member"] input[type=email]', INVITEE_EMAIL);
  await owner.selectOption('form[aria-label="Invite member"] select', 'member');
  await owner.click('button:has-text("Create invitation link")');
  const url = (await owner.textContent('[data-secret]')).trim();
  assert.match(url, /\/invite#[A-Za-z0-9_-]{20,}$/, 'a one-time link with the token in the hash');
  await owner.waitForSelector(`section[aria-label="Pending invitations"] tr[data-email="${INVITEE_EMAIL}"]`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  invitee = await context.newPage();
  await invitee.goto(url.replace(/^https?:\/\/[^/]+/, server.url));
  await invitee.waitForSelector('h1:has-text("Join Default")');
  assert.match(await invitee.textContent('.auth__card'), /Member/);
  await invitee.fill('input[autocomplete=new-password] >> nth=0', INVITEE_PASSWORD);
  await invitee.fill('input[autocomplete=new-password] >> nth=1', INVITEE_PASSWORD);
  await invitee.click('button[type=submit]');
  await invitee.waitForURL(`${server.url}/`);
  const me = await apiFrom(invitee, '/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, INVITEE_EMAIL);
  assert.equal(me.body.organizations[0].role, 'member');

  // The link was for one use.
  const again = await (await browser.newContext()).newPage();
  await again.goto(url.replace(/^https?:\/\/[^/]+/, server.url));
  await again.waitForSelector('.form__error');
  assert.match(await again.textContent('.form__error'), /no longer valid/);
});

test("the owner changes the member's role", async () => {
  await owner.reload();
  const row = `tr[data-email="${INVITEE_EMAIL}"]`;
  await owner.waitForSelector(row);
  assert.equal(await owner.locator('tr.data-table__row--you').count(), 1, "the owner's own row is marked");
  await owner.selectOption(`${row} select`, 'viewer');
  await owner.waitForFunction(async () => {
    const orgs = (await (await fetch('/api/v1/me')).json()).organizations;
    const members = (await (await fetch(`/api/v1/members?organization_id=${orgs[0].id}`)).json()).members;
    return members.find((m) => m.email === 'support.agent@e2e.test')?.role === 'viewer';
  });
  await owner.reload();
  assert.equal(await owner.inputValue(`${row} select`), 'viewer');
});

test('the owner creates an API key, sees its secret once, and revokes it', async () => {
  await owner.goto(`${server.url}/settings/api-keys`);
  await owner.click('button:has-text("Create API key")');
  await owner.fill('form[aria-label="Create API key"] input', 'CI export');
  await owner.selectOption('form[aria-label="Create API key"] select', 'viewer');
  await owner.click('button:has-text("Create key")');
  apiKeySecret = (await owner.textContent('[data-secret]')).trim();
  assert.match(apiKeySecret, /^tdk_[0-9a-f]{64}$/);
  assert.match(await owner.textContent('.one-time'), /cannot show it again/);
  const withKey = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${apiKeySecret}` } });
  assert.equal(withKey.status, 200, 'the new key works');

  await owner.click('.one-time button:has-text("I have copied it")');
  await owner.reload();
  await owner.waitForSelector('tr[data-key-name="CI export"]');
  assert.equal((await owner.content()).includes(apiKeySecret), false, 'the secret is not shown again');

  await owner.click('tr[data-key-name="CI export"] button:has-text("Revoke")');
  await owner.click('tr[data-key-name="CI export"] button:has-text("Revoke key")');
  await owner.waitForSelector('tr[data-key-name="CI export"] .badge:has-text("Revoked")');
  const revoked = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${apiKeySecret}` } });
  assert.equal(revoked.status, 401, 'a revoked key stops working');
});

test("the owner rotates a project's ingest key with a grace period, limits and retires the old one", async () => {
  await owner.goto(`${server.url}/settings/projects`);
  const keys = '.keys tbody tr';
  await owner.waitForSelector(keys);
  const oldKey = (await owner.textContent(`${keys} code`)).trim();
  assert.equal(oldKey, server.ingestKey);
  await owner.click('button:has-text("Rotate key")');
  await owner.selectOption('.keys form select', '24');
  await owner.click('button:has-text("Rotate now")');
  await owner.waitForFunction((n) => document.querySelectorAll(n).length === 2, keys);
  const rows = await owner.$$eval(keys, (trs) => trs.map((tr) => ({ key: tr.querySelector('code').textContent, state: tr.cells[1].textContent })));
  assert.equal(rows[0].state, 'Primary');
  assert.notEqual(rows[0].key, oldKey);
  assert.equal(rows[1].key, oldKey);
  assert.match(rows[1].state, /^Retires /);
  assert.match(await owner.textContent('pre.snippet'), new RegExp(rows[0].key), 'the snippet shows the new primary key');
  const config = await fetch(`${server.url}/api/v1/recorder-config?project=${oldKey}`);
  assert.equal(config.status, 200, 'the old key works during the grace period');

  const oldRow = `.keys tr:has(code:text-is("${oldKey}"))`;
  await owner.click(`${oldRow} button:has-text("Edit")`);
  await owner.fill(`${oldRow} input`, '0');
  await owner.click(`${oldRow} button:has-text("Save")`);
  assert.match(await owner.textContent(`${oldRow} .status-error`), /1 to 1,000,000/);
  await owner.fill(`${oldRow} input`, '1,200');
  await owner.click(`${oldRow} button:has-text("Save")`);
  await owner.waitForSelector(`${oldRow} :text("1,200 batches/min")`);

  await owner.click(`${oldRow} button:has-text("Retire")`);
  await owner.click(`${oldRow} .confirm button:has-text("Retire")`);
  await owner.waitForFunction(
    (key) => ![...document.querySelectorAll('.keys tbody tr')].some((tr) => tr.querySelector('code').textContent === key && !/Retired/.test(tr.textContent)),
    oldKey,
  );
  const refused = await fetch(`${server.url}/api/v1/recorder-config?project=${oldKey}`);
  assert.notEqual(refused.status, 200, 'a retired key is refused');
});

test('the audit page lists these actions, newest first, and filters by action', async () => {
  await owner.goto(`${server.url}/settings/audit`);
  await owner.waitForSelector('section[aria-label="Audit entries"] tbody tr');
  const actions = await owner.$$eval('section[aria-label="Audit entries"] tbody tr', (rows) => rows.map((r) => r.dataset.action));
  for (const action of ['member.invite', 'member.join', 'member.role_change', 'api_key.create', 'api_key.revoke']) {
    assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
  }
  assert.ok(actions.indexOf('api_key.revoke') < actions.indexOf('api_key.create'), 'newest first');
  assert.ok(actions.indexOf('member.role_change') < actions.indexOf('member.invite'), 'newest first');

  await owner.selectOption('form[aria-label="Filters"] select[aria-label="Action"]', 'api_key.create');
  await owner.click('form[aria-label="Filters"] button:has-text("Apply")');
  await owner.waitForURL(/action=api_key\.create/);
  await owner.waitForFunction(() => {
    const rows = [...document.querySelectorAll('section[aria-label="Audit entries"] tbody tr')];
    return rows.length > 0 && rows.every((r) => r.dataset.action === 'api_key.create');
  });
  assert.match(await owner.textContent('section[aria-label="Audit entries"]'), /CI export/);

  // The filter lives in the address: a reload keeps it, and the export links carry it.
  await owner.reload();
  await owner.waitForSelector('section[aria-label="Audit entries"] tbody tr');
  assert.equal(await owner.inputValue('select[aria-label="Action"]'), 'api_key.create');
  const csv = await owner.getAttribute('a:has-text("Export CSV")', 'href');
  assert.match(csv, /^\/api\/v1\/audit\/export\?organization_id=[^&]+&action=api_key\.create&format=csv$/);
  const ndjson = await owner.getAttribute('a:has-text("Export NDJSON")', 'href');
  assert.equal(ndjson, csv.replace(/csv$/, 'ndjson'));
});

test('the export link downloads the filtered entries as CSV', async () => {
  const csv = await owner.getAttribute('a:has-text("Export CSV")', 'href');
  const exported = await owner.evaluate(async (href) => {
    const response = await fetch(href);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }, csv);
  assert.equal(exported.status, 200);
  assert.match(exported.type, /^text\/csv/);
  assert.match(exported.text, /api_key\.create/);
  assert.doesNotMatch(exported.text, /api_key\.revoke/);
});

test('"Load more" continues the audit log where the page ended', async () => {
  // 55 settings changes: more than one page (50) of project.settings entries.
  const written = await owner.evaluate(async () => {
    const { projects } = await (await fetch('/api/v1/projects')).json();
    for (let i = 0; i < 55; i++) {
      const response = await fetch(`/api/v1/projects/${projects[0].id}/settings`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sample_rate: i % 2 ? 1 : 0.5 }),
      });
      if (!response.ok) return response.status;
    }
    return 55;
  });
  assert.equal(written, 55);
  await owner.goto(`${server.url}/settings/audit?action=project.settings`);
  const rows = 'section[aria-label="Audit entries"] tbody tr';
  await owner.waitForSelector(rows);
  assert.equal(await owner.locator(rows).count(), 50);
  await owner.click('button:has-text("Load more")');
  await owner.waitForSelector(':text("55 entries, all shown")');
  assert.equal(await owner.locator('button:has-text("Load more")').count(), 0);
  const ids = await owner.$$eval(rows, (trs) => trs.map((tr) => tr.getAttribute('data-entry-id')));
  assert.equal(new Set(ids).size, 55, 'no entry twice');
});

test('a viewer sees the settings read-only', async () => {
  await invitee.goto(`${server.url}/settings/members`);
  await invitee.waitForSelector(`tr[data-email="${OWNER_EMAIL}"]`);
  assert.equal(await invitee.locator('button:has-text("Invite member")').count(), 0);
  assert.equal(await invitee.locator('section[aria-label="Members"] select').count(), 0, 'no role selects');
  const buttons = await invitee.locator('section[aria-label="Members"] button').allTextContents();
  assert.deepEqual(buttons.map((b) => b.trim()), ['Leave'], 'no remove or reset buttons: only leaving, on their own row');
  await invitee.waitForSelector('.read-only-note');

  await invitee.goto(`${server.url}/settings/projects`);
  await invitee.waitForSelector('.settings-card__title');
  assert.equal(await invitee.locator('button:has-text("New project")').count(), 0);
  assert.equal(await invitee.locator('.settings-card .badge:has-text("Read-only")').count(), 1);
  assert.equal(await invitee.locator('button:has-text("Save changes")').count(), 0);
  assert.equal(await invitee.isDisabled('input[type=radio][value=minimal]'), true);

  await invitee.goto(`${server.url}/settings/api-keys`);
  await invitee.waitForSelector('.notice__title:has-text("Only owners and admins manage API keys")');
  await invitee.goto(`${server.url}/settings/audit`);
  await invitee.waitForSelector('.notice__title:has-text("Only owners and admins read the audit log")');
});

test('a password reset link made by the owner lets the member choose a new password and signs them in', async () => {
  await owner.goto(`${server.url}/settings/members`);
  const row = `tr[data-email="${INVITEE_EMAIL}"]`;
  await owner.click(`${row} button:has-text("Reset password")`);
  const url = (await owner.textContent('[data-secret]')).trim();
  assert.match(url, /\/reset-password#[A-Za-z0-9_-]{20,}$/);

  const page = await (await browser.newContext()).newPage();
  await page.goto(url.replace(/^https?:\/\/[^/]+/, server.url));
  await page.fill('input[autocomplete=new-password] >> nth=0', 'reset password 2');
  await page.fill('input[autocomplete=new-password] >> nth=1', 'reset password 3');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('.form__error'), /do not match/, 'checked before asking the server');
  await page.fill('input[autocomplete=new-password] >> nth=1', 'reset password 2');
  await page.click('button[type=submit]');
  await page.waitForURL(`${server.url}/`);
  assert.equal((await apiFrom(page, '/api/v1/me')).body.user.email, INVITEE_EMAIL);
  invitee = page;
});

test('the account page changes your own password', async () => {
  await invitee.goto(`${server.url}/settings/account`);
  await invitee.fill('#current-password', 'not my password');
  await invitee.fill('#new-password', 'account password 4');
  await invitee.fill('#confirm-password', 'account password 4');
  await invitee.click('button:has-text("Change password")');
  await invitee.waitForSelector('.status-error');
  assert.match(await invitee.textContent('.status-error'), /current password is not right/);

  await invitee.fill('#current-password', 'reset password 2');
  await invitee.click('button:has-text("Change password")');
  await invitee.waitForSelector('.status-ok');
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: INVITEE_EMAIL, password: 'account password 4' }),
  });
  assert.equal(login.status, 200, 'the new password signs in');
});

test('an existing account joins a second organization with its own password; the switcher changes organization', async () => {
  const bin = process.env.TAPEDECK_BIN ?? resolve(import.meta.dirname, '../../target/debug/tapedeck');
  const made = spawnSync(bin, ['admin', 'create-user', '--data-dir', server.dataDir, '--email', 'boss@acme.test', '--password-stdin', '--org', 'Acme', '--role', 'owner'], {
    input: 'acme boss password',
  });
  assert.equal(made.status, 0, String(made.stderr));
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'boss@acme.test', password: 'acme boss password' }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const acme = (await (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).json()).organizations[0];
  const invited = await fetch(`${server.url}/api/v1/invitations`, {
    method: 'POST',
    headers: { cookie, origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ organization_id: acme.id, email: OWNER_EMAIL, role: 'admin' }),
  });
  assert.equal(invited.status, 201);
  const { url } = await invited.json();

  await owner.goto(url.replace(/^https?:\/\/[^/]+/, server.url));
  await owner.waitForSelector('h1:has-text("Join Acme")');
  assert.equal(await owner.locator('input[autocomplete=new-password]').count(), 0, 'no new password for an existing account');
  await owner.fill('input[autocomplete=current-password]', OWNER_PASSWORD);
  await owner.click('button[type=submit]');
  await owner.waitForURL(`${server.url}/`);

  await owner.goto(`${server.url}/settings/members`);
  await owner.waitForSelector('select[aria-label="Organization"]');
  await owner.selectOption('select[aria-label="Organization"]', acme.id);
  await owner.waitForURL(new RegExp(`/settings/members\\?org=${acme.id}$`));
  await owner.waitForSelector('tr[data-email="boss@acme.test"]');
  assert.match(await owner.textContent('.settings__role'), /Admin/);
  assert.equal(await owner.locator('tr[data-email="boss@acme.test"] select').count(), 0, 'an admin cannot change an owner');
  assert.equal(await owner.locator('tr[data-email="boss@acme.test"] button').count(), 0, 'nor remove or reset them');
  assert.equal(await owner.getAttribute('a.settings__link:has-text("Audit log")', 'href'), `/settings/audit?org=${acme.id}`, 'the nav keeps the organization');
});
