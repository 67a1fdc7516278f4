#!/usr/bin/env node
/**
 * Generator of realistic long rrweb sessions, deterministic from a seed, cut into the batches
 * Tapedeck's recorder would send (for the storage and player benchmarks and long-session tests).
 *
 * Command line (writes one JSON document, streamed, to stdout):
 *
 *     node bench/lib/generate-session.mjs --minutes 120 --profile heavy > /tmp/s.json
 *     node bench/lib/generate-session.mjs --minutes 10 --profile steady --seed 7 --start-ms 1767225600000
 *
 * Output: `{"generated_with", "params", "batches": [{session_id, window_id, seq, meta, events}]}`,
 * the shape of fixtures/recorded-form-session.json; each batch is a valid body for
 * `POST /api/v1/ingest`. The same options give the same bytes. From code:
 *
 *     import { generateBatches, generateSession } from './bench/lib/generate-session.mjs';
 *     for (const batch of generateBatches({ minutes: 60, profile: 'heavy', seed: 1 })) …
 *
 * What a session holds (bench/lib/fake-pages.mjs has the pages): one tab of one user on a shop's
 * site; pages of 1,700–2,800 nodes with a ~20 KB inlined stylesheet; Meta + FullSnapshot at the
 * start, on each navigation (with DomContentLoaded/Load), and a checkout at the first incremental
 * event 5 min after the last full snapshot (rrweb's `checkoutEveryNms`, as the SDK sets it); mouse
 * moves (source 1, positions sampled every 50 ms, one event per 500 ms while the mouse moves),
 * clicks (mousedown/mouseup/click, source 2), scrolls (source 3, every 100–160 ms), typing into
 * masked inputs (source 5, `balanced` privacy), DOM mutations (source 0: texts, attributes, adds
 * and removes of whole subtrees, all on nodes that exist), `tapedeck.network` and
 * `tapedeck.console` custom events, and idle stretches with no events at all. Profiles:
 * - `steady`: a shopper reading and filling forms — active 10–60 s, then idle 20–180 s; an action
 *   every ~4 s while active; page-driven mutations every ~45 s; a navigation every ~6 min (one
 *   due while the user is idle waits until they are back) among article, list, form and table pages;
 * - `heavy`: a back-office user on a live dashboard — the page mutates 3–12 nodes every ~300 ms
 *   and churns list items, the user is busy most of the time (an action every ~1.5 s), polling
 *   requests every ~3 s, a navigation every ~10 min among dashboard, table and list pages.
 * `pages` (e.g. `['article']`) keeps a session on those page kinds, to compare pages.
 * Batches follow the SDK's rules (packages/recorder/src/config.ts): sealed 3 s after their first
 * event, at 512 KiB of event JSON or 5,000 events, and on each navigation (pagehide). One hour is
 * about 300 batches and 3.5 MB of JSON (steady) or 1,160 batches and 13 MB (heavy); generating
 * it takes about a second. The SDK splits sessions at 2 hours (SESSION_MAX_DURATION_MS), so 120
 * minutes is the longest real session. Every mutation refers to nodes that exist at its time and
 * every full snapshot shows the page as it is then (bench/test/generate-session.test.mjs replays
 * the node ids), so the sessions suit the player too. The default first timestamp is fixed (2026-01-01) so output
 * does not depend on the clock; to post a session that looks recent, pass
 * `startMs: Date.now() - minutes * 60_000`.
 */
import { pathToFileURL } from 'node:url';
import { rngFrom, sentence } from './fake-dom.mjs';
import { buildPage, consolePayload, networkPayload, PAGE_KINDS, stylesheet } from './fake-pages.mjs';
import { SdkBatcher } from './sdk-batcher.mjs';

export const CHECKOUT_EVERY_MS = 5 * 60_000;
/** 2026-01-01T00:00:00Z: the default first timestamp, so output does not depend on the clock. */
export const DEFAULT_START_MS = 1_767_225_600_000;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const VIEWPORT = { width: 1440, height: 900 };
/** Distinct variants of each page kind on the site (a category page, an order page, …). */
const VARIANTS = 8;

export const PROFILES = {
  steady: {
    activeS: [10, 60], idleS: [20, 180], moveShare: 0.45, actionGapMs: 4_000,
    pageMutationGapMs: 45_000, pageMutationSize: [1, 3], churnShare: 0.3, mutateWhileIdle: false,
    networkGapMs: 25_000, consoleGapMs: 120_000, navigationGapMs: 6 * 60_000,
    kinds: ['article', 'list', 'form', 'table'],
  },
  heavy: {
    activeS: [60, 300], idleS: [5, 30], moveShare: 0.7, actionGapMs: 1_500,
    pageMutationGapMs: 300, pageMutationSize: [3, 12], churnShare: 0.12, mutateWhileIdle: true,
    networkGapMs: 3_000, consoleGapMs: 20_000, navigationGapMs: 10 * 60_000,
    kinds: ['dashboard', 'table', 'list', 'dashboard'],
  },
};

/**
 * Yields the session's batches in `seq` order. Options: `minutes` (recorded time), `profile`
 * (`steady` | `heavy`), `seed` (any string or number), `site` (pages and stylesheet are the
 * site's, shared by its sessions), `pages` (page kinds to stay on, default the profile's),
 * `startMs` (first timestamp), `sessionId`, `windowId`.
 */
export function* generateBatches(options = {}) {
  const sim = new Simulation(options);
  yield* sim.run();
}

/** All batches at once, with the parameters that made them. */
export function generateSession(options = {}) {
  const sim = new Simulation(options);
  return { params: sim.params, batches: [...sim.run()] };
}

class Simulation {
  constructor({ minutes = 60, profile = 'steady', seed = 1, site = 'shop', pages, startMs = DEFAULT_START_MS, sessionId, windowId } = {}) {
    if (!PROFILES[profile]) throw new Error(`unknown profile "${profile}" (steady, heavy)`);
    const unknown = (pages ?? []).filter((k) => !PAGE_KINDS.includes(k));
    if (unknown.length > 0 || (pages && pages.length === 0)) throw new Error(`pages must be some of ${PAGE_KINDS.join(', ')}, not "${pages}"`);
    if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error(`minutes must be more than 0 and at most a day, not ${minutes}`);
    if (!Number.isSafeInteger(startMs) || startMs < 0) throw new Error(`startMs must be epoch milliseconds, not ${startMs}`);
    this.p = pages ? { ...PROFILES[profile], kinds: [...pages] } : PROFILES[profile];
    // The page list is part of the seed, so a one-page session is not a prefix of the mixed one.
    this.rng = rngFrom(pages ? `${site}/${profile}/${pages.join('+')}/${seed}` : `${site}/${profile}/${seed}`);
    const id = (n) => `${this.rng.hex(8)}-${this.rng.hex(4)}-7${this.rng.hex(3)}-${this.rng.hex(4)}-${this.rng.hex(n)}`;
    this.params = { minutes, profile, seed, site, ...(pages ? { pages: [...pages] } : {}), startMs, sessionId: sessionId ?? id(12), windowId: windowId ?? `w-${this.rng.hex(16)}` };
    this.site = site;
    this.css = stylesheet(rngFrom(`${site}/css`));
    this.end = startMs + minutes * 60_000;
    this.t = startMs;
    this.seq = 0;
    this.user = { id: `u-${this.rng.hex(6)}` };
    this.batcher = new SdkBatcher();
    this.out = [];
    this.steps = [];
    this.menu = null;
    this.scrollY = 0;
    this.mouse = { x: 600, y: 400 };
  }

  *run() {
    const { p, rng } = this;
    this.navigate(true);
    const timers = {
      activity: this.t + rng.expo(p.activeS[1] * 1000),
      action: this.t + 800,
      mouse: this.t + 500,
      mutate: this.t + rng.expo(p.pageMutationGapMs),
      network: this.t + rng.expo(p.networkGapMs),
      console: this.t + rng.expo(p.consoleGapMs),
      navigate: this.t + rng.expo(p.navigationGapMs),
    };
    this.active = true;
    for (;;) {
      let name = null;
      let at = this.steps.length > 0 ? this.steps[0].at : Infinity;
      for (const [k, v] of Object.entries(timers)) if (v < at) [name, at] = [k, v];
      if (at >= this.end) break;
      this.t = Math.max(this.t, Math.round(at));
      if (name === null) {
        this.steps.shift().run();
      } else {
        timers[name] = this.t + this.fire(name);
      }
      yield* this.out.splice(0);
    }
    this.seal();
    yield* this.out.splice(0);
  }

  /** Runs timer `name` at `this.t`; returns the delay until it fires again. */
  fire(name) {
    const { p, rng } = this;
    const userBusy = this.active && this.steps.length === 0;
    switch (name) {
      case 'activity': {
        this.active = !this.active;
        const [lo, hi] = this.active ? p.activeS : p.idleS;
        return rng.int(lo * 1000, hi * 1000);
      }
      case 'mouse':
        if (this.active && rng.chance(p.moveShare)) this.moveMouse();
        return 500;
      case 'action':
        if (userBusy) this.act();
        return rng.expo(p.actionGapMs) + 100;
      case 'mutate':
        if (this.active || p.mutateWhileIdle) this.pageMutation();
        return rng.expo(p.pageMutationGapMs) + 50;
      case 'network':
        if (this.active || p.mutateWhileIdle) this.network();
        return rng.expo(p.networkGapMs) + 200;
      case 'console':
        if (this.active) this.console();
        return rng.expo(p.consoleGapMs) + 1000;
      case 'navigate':
        // A navigation due while the user is idle or mid-step waits for them, so the profile's
        // rate holds (rather than skipping it and drawing a fresh gap).
        if (!userBusy) return 1_000;
        this.navigate(false);
        return rng.expo(p.navigationGapMs) + 5000;
      default:
        throw new Error(name);
    }
  }

  // ---- rrweb events ----

  emit(type, data, ts = this.t) {
    this.add({ type, data, timestamp: ts });
    if (type === 3 && ts - this.lastFullAt > CHECKOUT_EVERY_MS) this.fullSnapshot(ts, false);
  }

  incremental(source, fields) {
    this.emit(3, { source, ...fields });
  }

  fullSnapshot(ts, load) {
    if (load) {
      this.add({ type: 0, data: {}, timestamp: ts });
      this.add({ type: 1, data: {}, timestamp: ts });
      this.t = ts = ts + 1;
    }
    this.add({ type: 4, data: { href: this.page.href, ...VIEWPORT }, timestamp: ts });
    this.add({ type: 2, data: { node: this.page.dom.serialize(this.page.dom.document), initialOffset: { left: 0, top: this.scrollY } }, timestamp: ts });
    this.lastFullAt = ts;
  }

  navigate(first) {
    if (!first) {
      this.click(this.pick(this.page.clickables));
      this.seal(); // pagehide: the SDK flushes what waits
      this.t += this.rng.int(300, 1_500);
    }
    const kind = this.rng.pick(this.p.kinds);
    const variant = this.rng.int(0, VARIANTS - 1);
    this.page = buildPage(kind, rngFrom(`${this.site}/${kind}/${variant}`), this.css);
    this.steps = [];
    this.menu = null;
    this.scrollY = 0;
    this.fullSnapshot(this.t, true);
  }

  /** A node of the current page from `list`, dropping entries removed since. */
  pick(list) {
    for (let i = 0; i < 8 && list.length > 0; i++) {
      const k = Math.floor(this.rng.next() * list.length);
      if (this.page.dom.nodes.has(list[k].id)) return list[k];
      list.splice(k, 1);
    }
    return this.page.dom.document.children[1];
  }

  moveMouse() {
    const { rng } = this;
    const n = rng.int(4, 10);
    const target = this.pick(rng.chance(0.5) ? this.page.clickables : this.page.liveAttrs);
    const positions = [];
    for (let i = 0; i < n; i++) {
      this.mouse.x = Math.max(0, Math.min(VIEWPORT.width - 1, this.mouse.x + rng.int(-60, 60)));
      this.mouse.y = Math.max(0, Math.min(VIEWPORT.height - 1, this.mouse.y + rng.int(-40, 40)));
      positions.push({ x: this.mouse.x, y: this.mouse.y, id: target.id, timeOffset: 0 - (n - 1 - i) * 50 - rng.int(0, 9) }); // 0 - x: never -0
    }
    this.incremental(1, { positions });
  }

  click(node) {
    const at = { id: node.id, x: this.mouse.x, y: this.mouse.y };
    this.incremental(2, { type: 1, ...at });
    this.incremental(2, { type: 0, ...at });
    this.incremental(2, { type: 2, ...at, pointerType: 0 });
  }

  /** One mutation record; changes to nodes it also removes are left out, as rrweb does. */
  mutation({ texts = [], attributes = [], removes = [], adds = [] }) {
    const alive = (c) => this.page.dom.nodes.has(c.id);
    this.incremental(0, { texts: texts.filter(alive), attributes: attributes.filter(alive), removes, adds });
  }

  // ---- what the user does ----

  act() {
    const { rng, page } = this;
    const r = rng.next();
    if (r < 0.4) {
      const node = this.pick(page.clickables);
      this.click(node);
      this.clickEffect(node);
      if (rng.chance(0.4)) this.network();
    } else if (r < 0.6 && page.inputs.length > 0) {
      this.type(this.pick(page.inputs));
    } else if (r < 0.65 && page.checkboxes.length > 0) {
      const box = this.pick(page.checkboxes);
      this.click(box);
      this.incremental(5, { text: 'on', isChecked: rng.chance(0.5), id: box.id });
    } else if (r < 0.9) {
      this.scroll();
    } else {
      const node = this.pick(page.liveAttrs);
      if (node.kind !== 'element') return;
      node.attributes.class = `${(node.attributes.class ?? 'item').split(' ')[0]} is-hover`;
      this.mutation({ attributes: [{ id: node.id, attributes: { class: node.attributes.class } }] });
    }
  }

  clickEffect(node) {
    const { rng, page } = this;
    const dom = page.dom;
    if (this.menu && dom.nodes.has(this.menu.id)) {
      this.mutation({ removes: [dom.remove(this.menu)] });
      this.menu = null;
      return;
    }
    const r = rng.next();
    if (r < 0.3) {
      const body = page.dom.document.children[1].children[1];
      const menu = dom.el('div', { class: 'menu', role: 'menu', style: `top: ${this.mouse.y}px; left: ${this.mouse.x}px` }, body);
      for (let i = 0; i < rng.int(5, 12); i++) dom.leaf('a', { class: 'menu__link', role: 'menuitem', href: `/m/${rng.hex(5)}` }, sentence(rng, 1, 3), dom.el('div', { class: 'menu__item' }, menu));
      this.menu = menu;
      this.mutation({ adds: dom.adds(menu) });
    } else if (r < 0.6 && node.kind === 'element') {
      const cls = node.attributes.class ?? '';
      node.attributes.class = cls.includes('--active') ? cls.replace(/ \S+--active/, '') : `${cls} ${cls.split(' ')[0] || 'item'}--active`;
      this.mutation({ attributes: [{ id: node.id, attributes: { class: node.attributes.class, 'aria-expanded': String(rng.chance(0.5)) } }] });
    } else if (r < 0.8) {
      const count = page.liveTexts[0];
      if (dom.nodes.has(count.id)) {
        count.text = String(Number(count.text) + 1);
        this.mutation({ texts: [{ id: count.id, value: count.text }] });
      }
    }
  }

  type(input) {
    const { rng } = this;
    this.click(input);
    this.incremental(2, { type: 5, id: input.id });
    const n = rng.int(4, 28);
    let at = this.t;
    for (let i = 1; i <= n; i++) {
      at += rng.int(70, 260);
      this.steps.push({ at, run: () => this.page.dom.nodes.has(input.id) && this.incremental(5, { text: '*'.repeat(i), isChecked: false, id: input.id }) });
    }
    this.steps.push({ at: at + rng.int(200, 1500), run: () => this.page.dom.nodes.has(input.id) && this.incremental(2, { type: 6, id: input.id }) });
  }

  scroll() {
    const { rng } = this;
    const down = this.scrollY < 200 || rng.chance(0.7);
    let at = this.t;
    for (let i = 0; i < rng.int(4, 30); i++) {
      at += rng.int(100, 160);
      this.steps.push({
        at,
        run: () => {
          this.scrollY = Math.max(0, Math.min(this.page.scrollHeight, this.scrollY + (down ? 1 : -1) * rng.int(40, 220)));
          this.incremental(3, { id: 1, x: 0, y: this.scrollY });
        },
      });
    }
  }

  // ---- what the page does by itself ----

  pageMutation() {
    const { rng, page, p } = this;
    const dom = page.dom;
    const texts = [];
    const attributes = [];
    const removes = [];
    const adds = [];
    const n = rng.int(...p.pageMutationSize);
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.55)) {
        const t = this.pick(page.liveTexts);
        if (t.kind !== 'text') continue;
        t.text = /ago$/.test(t.text) ? `${rng.int(1, 59)}s ago` : /^\$/.test(t.text) ? `$${rng.int(3, 480)}.${rng.int(10, 99)}` : String(rng.int(0, 99999));
        texts.push({ id: t.id, value: t.text });
      } else {
        const e = this.pick(page.liveAttrs);
        if (e.kind !== 'element') continue;
        const change = e.tag === 'rect' ? { height: String(rng.int(4, 200)) } : e.attributes.style !== undefined ? { style: `width: ${rng.int(5, 95)}%` } : { class: `${(e.attributes.class ?? 'item').split(' ')[0]} ${rng.pick(['is-up', 'is-down', 'is-new', 'is-flash'])}` };
        Object.assign(e.attributes, change);
        attributes.push({ id: e.id, attributes: change });
      }
    }
    if (page.feed && rng.chance(p.churnShare)) {
      const items = page.feed.children.filter((c) => c.kind === 'element');
      const added = page.addItem(items[0] ?? null);
      adds.push(...dom.adds(added));
      if (items.length > 10) removes.push(dom.remove(items.at(-1)));
    }
    if (texts.length + attributes.length + removes.length + adds.length > 0) this.mutation({ texts, attributes, removes, adds });
  }

  network() {
    this.emit(5, { tag: 'tapedeck.network', payload: networkPayload(this.rng, this.t) });
  }

  console() {
    this.emit(5, { tag: 'tapedeck.console', payload: consolePayload(this.rng) });
  }

  // ---- batching, as the SDK does ----

  add(event) {
    for (const events of this.batcher.add(event)) this.send(events);
  }

  seal() {
    const events = this.batcher.seal();
    if (events) this.send(events);
  }

  send(events) {
    const meta = { user: this.user, url: this.page.href, referrer: '', user_agent: UA, viewport: VIEWPORT, sdk: 'tapedeck-js/0.1.0', tags: { plan: 'pro' } };
    this.out.push({ session_id: this.params.sessionId, window_id: this.params.windowId, seq: this.seq++, meta, events });
  }
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--minutes') options.minutes = Number(value);
    else if (key === '--profile') options.profile = value;
    else if (key === '--seed') options.seed = value;
    else if (key === '--site') options.site = value;
    else if (key === '--pages') options.pages = value.split(',');
    else if (key === '--start-ms') options.startMs = Number(value);
    else throw new Error(`unknown option ${key} (--minutes N --profile steady|heavy --seed S --site NAME --pages KIND,… --start-ms MS)`);
  }
  return options;
}

async function main() {
  process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1)); // e.g. piped into `head`
  const sim = new Simulation(parseArgs(process.argv.slice(2)));
  const write = (text) => (process.stdout.write(text) ? null : new Promise((ok) => process.stdout.once('drain', ok)));
  await write(`{"generated_with":"bench/lib/generate-session.mjs","params":${JSON.stringify(sim.params)},"batches":[\n`);
  let first = true;
  for (const batch of sim.run()) {
    await write(`${first ? '' : ',\n'}${JSON.stringify(batch)}`);
    first = false;
  }
  await write('\n]}\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(`generate-session: ${error.message}`);
    process.exit(1);
  });
}
