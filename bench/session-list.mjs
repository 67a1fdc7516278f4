#!/usr/bin/env node
/**
 * Sessions-list benchmark (issue 7 "Performance", SPEC §9: list queries p95 < 50 ms; a list of
 * 1,000 sessions in the browser < 500 ms): a million sessions on SQLite and on PostgreSQL, and a
 * mix of the list's queries timed through the real API.
 *
 * How the million is made: 2,000 template sessions (bench/lib/list-sessions.mjs: skewed users
 * and URLs, log-normal durations, errors, failed requests, rage clicks, tags, experiments,
 * tickets) go through `POST /api/v1/ingest` of a real `tapedeck serve`, so every derived row is
 * what Tapedeck writes; then bench/lib/clone-sessions.mjs copies them in SQL, each copy moved
 * further into the past, until the table holds the target (the search rows come along, the tags
 * and full-text rows by the schema's triggers).
 *
 * What is timed: each query of the mix, from the client's `fetch` to the parsed JSON (cookie
 * auth, the SQL, the JSON; loopback), 3 warm-ups then `runs` times one after the other; and in
 * Chromium, the sessions page from navigation to its first rows painted, for the latest
 * sessions and for a filter, on the database of a thousand sessions (the templates alone,
 * before cloning) and on the full one.
 *
 * `node bench/session-list.mjs [--quick] [--engines sqlite,postgres] [--templates N] [--total N] [--runs N]
 *  [--write] [--json FILE]`
 * (TAPEDECK_BIN picks the server; PostgreSQL needs TAPEDECK_TEST_POSTGRES_URL, e.g. under
 * `bash scripts/with-postgres.sh`); `--write` replaces its section of docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from '../e2e/lib/browser.mjs';
import { postBatches } from '../e2e/lib/player.mjs';
import { OWNER_EMAIL, OWNER_PASSWORD, login, startServer } from '../e2e/lib/server.mjs';
import { cloneSessions, countRows } from './lib/clone-sessions.mjs';
import { templateSessions } from './lib/list-sessions.mjs';
import { BENCH_SERVER_ENV, fmt, isDebugBuild, machine, option, quantile, sleep, spliceSection, withTimeout } from './lib/util.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DAY = 86_400_000;
export const LIST_PLANS = {
  quick: { templates: 300, total: 10_000, runs: 15, browserRuns: 3 },
  full: { templates: 2_000, total: 1_000_000, runs: 40, browserRuns: 5 },
};
/** SPEC §9. */
export const LIST_BUDGETS = { queryP95Ms: 50, browserMs: 500 };

/** Posts every template's batches (six in flight); returns the templates' facts. */
async function ingestTemplates(server, count, log) {
  const now = Date.now();
  const templates = [...templateSessions({ count, seed: 1, startMs: now - DAY, spanMs: DAY - 10 * 60_000 })];
  const batches = templates.flatMap((t) => t.batches);
  const t0 = Date.now();
  await postBatches(server, batches);
  log(`session list: ingested ${count} templates (${batches.length} batches) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return templates;
}

/** The query mix: name, query string; `cursor` ones are filled in by `deepCursor`. */
function queryMix(templates) {
  const withTicket = templates.find((t) => t.batches[0].meta.ticket)?.batches[0].meta.ticket ?? 'ZD-1';
  const heavyUser = 'user-0';
  const monthAgo = new Date(Date.now() - 30 * DAY).toISOString();
  return [
    ['latest page', 'limit=50'],
    ['duration > 10 min', 'min_duration=600&limit=50'],
    ['URL contains "checkout"', 'url=checkout&limit=50'],
    ['URL exact', `url_exact=${encodeURIComponent('https://shop.example.com/checkout/step-2')}&limit=50`],
    ['end user', `user=${heavyUser}&limit=50`],
    ['has errors', 'has_errors=true&limit=50'],
    ['text "TypeError"', 'q=TypeError&limit=50'],
    ['text "lamp" (URL words)', 'q=lamp&limit=50'],
    ['tag plan:pro', 'tag=plan:pro&limit=50'],
    ['ticket', `ticket=${withTicket}&limit=50`],
    ['status 5xx, last 30 days', `status=5xx&from=${monthAgo}&limit=50`],
    ['errors + URL + 30 days', `has_errors=true&url=checkout&from=${monthAgo}&limit=50`],
    ['sort by duration', 'sort=duration&order=desc&limit=50'],
    ['deep keyset page (page 100)', null],
  ];
}

async function getJson(url, cookie) {
  const response = await fetch(url, { headers: { cookie, 'accept-encoding': 'identity' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Follows next_cursor `pages` times from the latest page; returns the last cursor. */
async function deepCursor(server, cookie, pages) {
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const page = await getJson(`${server.url}/api/v1/sessions?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, cookie);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return cursor;
}

async function timeQueries(server, cookie, templates, runs) {
  const rows = [];
  for (const [name, given] of queryMix(templates)) {
    const query = given ?? `limit=50&cursor=${encodeURIComponent(await deepCursor(server, cookie, 99))}`;
    const url = `${server.url}/api/v1/sessions?${query}`;
    let found = 0;
    for (let i = 0; i < 3; i++) found = (await getJson(url, cookie)).sessions.length;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await getJson(url, cookie);
      times.push(performance.now() - t0);
    }
    rows.push({ name, query: given ?? 'limit=50&cursor=(page 100)', found, p50: quantile(times, 0.5), p95: quantile(times, 0.95), p99: quantile(times, 0.99), max: Math.max(...times) });
  }
  return rows;
}

/** The sessions page in Chromium: navigation → first rows painted, median of `runs`. */
async function timeBrowser(browser, server, runs) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/login`);
    await page.fill('input[type=email]', OWNER_EMAIL);
    await page.fill('input[type=password]', OWNER_PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
    const out = {};
    for (const [name, path] of [['latest', '/'], ['has errors', '/?has_errors=true']]) {
      const times = [];
      for (let i = 0; i < runs; i++) {
        await page.goto(`${server.url}${path}`, { waitUntil: 'commit' });
        await page.waitForSelector('.session-row', { timeout: 30_000 });
        times.push(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now())))));
      }
      out[name] = quantile(times, 0.5);
    }
    return out;
  } finally {
    await context.close();
  }
}

function freshPostgresDatabase(base) {
  const name = `td_bench_${randomBytes(5).toString('hex')}`;
  execFileSync('psql', [base, '-qc', `CREATE DATABASE ${name}`]);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** One engine: templates through ingest, timings at 1,000-ish, clone to the total, timings again. */
async function runEngine(kind, plan, browser, log) {
  const pg = kind === 'postgres' ? freshPostgresDatabase(process.env.TAPEDECK_TEST_POSTGRES_URL) : null;
  const server = await startServer({ args: pg ? ['--database-url', pg.url] : [], env: { ...BENCH_SERVER_ENV, TAPEDECK_SESSION_IDLE_SECS: '1', ...(pg ? { TAPEDECK_ENCRYPTION_KEY: randomBytes(32).toString('hex') } : {}) } });
  try {
    const templates = await ingestTemplates(server, plan.templates, log);
    await sleep(4_000); // the idle ticker marks them ready
    const cookie = await login(server.url);
    const small = await timeBrowser(browser, server, plan.browserRuns);
    log(`session list: ${kind}: browser on ${plan.templates} sessions: ${JSON.stringify(small)}`);
    await server.halt();
    const engine = pg ? { kind, url: pg.url } : { kind, path: join(server.dataDir, 'tapedeck.db') };
    const t0 = Date.now();
    cloneSessions(engine, { templates: plan.templates, total: plan.total, shiftMs: DAY / 2, log });
    const seedS = (Date.now() - t0) / 1000;
    const sessions = countRows(engine, 'sessions');
    const dbBytes = pg
      ? Number(execFileSync('psql', [pg.url, '-tAc', `SELECT pg_database_size('${pg.name}')`], { encoding: 'utf8' }).trim())
      : statSync(engine.path).size;
    log(`session list: ${kind}: ${sessions} sessions after ${seedS.toFixed(0)} s of cloning, database ${fmt.mb(dbBytes)}`);
    await server.start();
    const queries = await timeQueries(server, await login(server.url), templates, plan.runs);
    const big = await timeBrowser(browser, server, plan.browserRuns);
    log(`session list: ${kind}: ${queries.map((q) => `${q.name} p95 ${q.p95.toFixed(1)}`).join('; ')}`);
    return { kind, sessions, seedS, dbBytes, queries, browser: { small, big }, load: loadavg()[0] };
  } finally {
    await server.stop().catch(() => {});
    if (pg) {
      try {
        execFileSync('psql', [process.env.TAPEDECK_TEST_POSTGRES_URL, '-qc', `DROP DATABASE IF EXISTS ${pg.name}`]);
      } catch {
        // the cluster is throwaway
      }
    }
  }
}

/** Runs the benchmark on the engines available; returns its figures (rendered by `renderSessionList`). */
export async function runSessionList({ quick, log, engines, browser: given, overrides = {} }) {
  const plan = { ...(quick ? LIST_PLANS.quick : LIST_PLANS.full), ...overrides };
  const wanted = engines ?? ['sqlite', ...(process.env.TAPEDECK_TEST_POSTGRES_URL ? ['postgres'] : [])];
  const browser = given ?? (await launch());
  const loadBefore = loadavg()[0];
  try {
    const results = [];
    for (const kind of wanted) results.push(await withTimeout(`the session list on ${kind}`, 60 * 60_000, runEngine(kind, plan, browser, log)));
    return { quick, plan, binary: process.env.TAPEDECK_BIN ?? 'target/debug/tapedeck', debugBuild: isDebugBuild(process.env.TAPEDECK_BIN ?? 'target/debug/tapedeck'), chromium: browser.version(), loadBefore, results, skipped: process.env.TAPEDECK_TEST_POSTGRES_URL ? [] : ['postgres'] };
  } finally {
    if (!given) await browser.close().catch(() => {});
  }
}

// ---- the section of docs/BENCHMARKS.md ----

const START = '<!-- session-list:begin -->';
const END = '<!-- session-list:end -->';
const ok = (pass) => (pass ? '✓' : '✗');

export function renderSessionList(p) {
  const L = [START, '## Sessions list — budgets: list query p95 < 50 ms; the list of 1,000 sessions in the browser < 500 ms', ''];
  if (!p || p.failed) {
    L.push(`Not measured in this run${p?.failed ? ` (the session-list benchmark failed: ${p.failed})` : ''}.`, END);
    return L.join('\n');
  }
  L.push(`Measured by \`bench/session-list.mjs\` (${p.command}, ${p.date}, ${p.durationS.toFixed(0)} s; ${p.machine.model}, ${p.machine.cores} cores; server \`${p.binary}\`${(p.debugBuild ?? !/release/.test(p.binary)) ? ', a debug build' : ''}; headless Chromium ${p.chromium}).`);
  L.push(`${p.plan.templates.toLocaleString('en')} template sessions (skewed users and URLs, log-normal durations, errors, failed requests, rage clicks, tags,`);
  L.push('experiments, tickets; `bench/lib/list-sessions.mjs`) went through the real ingest API, then were cloned in SQL (each copy further');
  L.push('in the past, every derived search row copied or rebuilt by the schema\'s triggers) to the total below. Each query: from the');
  L.push(`client's \`fetch\` to parsed JSON over loopback (cookie auth, SQL, JSON), 3 warm-ups then ${p.plan.runs} runs in a row. Browser: the`);
  L.push(`sessions page from navigation to its first rows painted, median of ${p.plan.browserRuns}. Load average when the run began: ${p.loadBefore.toFixed(1)}.`);
  if (p.quick) L.push('', `> Quick run: ${p.plan.total.toLocaleString('en')} sessions from ${p.plan.templates.toLocaleString('en')} templates, not a million; ${p.plan.runs} runs per query; indicative only.`);
  for (const r of p.results) {
    L.push('', `### ${r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${r.sessions.toLocaleString('en')} sessions (database ${fmt.mb(r.dbBytes)}, cloned in ${r.seedS.toFixed(0)} s; load after: ${r.load.toFixed(1)})`, '');
    L.push('| query | parameters | rows | p50 | p95 | p99 | max | p95 < 50 ms |', '|---|---|---|---|---|---|---|---|');
    for (const q of r.queries) L.push(`| ${q.name} | \`${q.query}\` | ${q.found} | ${fmt.ms(q.p50)} | ${fmt.ms(q.p95)} | ${fmt.ms(q.p99)} | ${fmt.ms(q.max)} | ${ok(q.p95 < LIST_BUDGETS.queryP95Ms)} |`);
    L.push('', '| browser: navigation → first rows | latest | has errors | < 500 ms |', '|---|---|---|---|');
    L.push(`| ${p.plan.templates.toLocaleString('en')} sessions | ${fmt.ms(r.browser.small.latest)} | ${fmt.ms(r.browser.small['has errors'])} | ${ok(Math.max(r.browser.small.latest, r.browser.small['has errors']) < LIST_BUDGETS.browserMs)} |`);
    L.push(`| ${r.sessions.toLocaleString('en')} sessions | ${fmt.ms(r.browser.big.latest)} | ${fmt.ms(r.browser.big['has errors'])} | ${ok(Math.max(r.browser.big.latest, r.browser.big['has errors']) < LIST_BUDGETS.browserMs)} |`);
  }
  if (p.skipped.length > 0) L.push('', `Not measured: ${p.skipped.join(', ')} (run under \`bash scripts/with-postgres.sh\`).`);
  L.push(END);
  return L.join('\n');
}

async function main() {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const log = (line) => console.error(`[list ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const engines = option('--engines')?.split(',');
  const overrides = Object.fromEntries(['templates', 'total', 'runs'].filter((k) => option(`--${k}`)).map((k) => [k, Number(option(`--${k}`))]));
  const result = await runSessionList({ quick, log, engines, overrides });
  const binary = process.env.TAPEDECK_BIN ? `TAPEDECK_BIN=${process.env.TAPEDECK_BIN} ` : '';
  const figures = { ...result, date: new Date().toISOString(), command: `${binary}node bench/session-list.mjs${quick ? ' --quick' : ''}`, durationS: (Date.now() - started) / 1000, machine: machine() };
  const section = renderSessionList(figures);
  console.log(section);
  if (option('--json')) writeFileSync(option('--json'), JSON.stringify(figures, null, 1));
  if (process.argv.includes('--write')) {
    const path = resolve(ROOT, 'docs/BENCHMARKS.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), 'session-list', section));
    log(`wrote the session-list section of ${path}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`[list] failed: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
