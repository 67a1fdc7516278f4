/**
 * Template sessions for the sessions-list benchmark (bench/session-list.mjs): short, varied
 * sessions whose *list metadata* looks like a real site's — skewed end users and URLs, log-normal
 * durations, errors, failed requests, rage clicks, custom events, tags, experiments and ticket
 * links — as the two or three ingest batches Tapedeck's recorder would send for each. The page
 * content is tiny: the list never reads it. Deterministic from a seed.
 *
 *     import { templateSessions } from './bench/lib/list-sessions.mjs';
 *     for (const { id, batches } of templateSessions({ count: 2000, seed: 1, startMs, spanMs })) …
 */
import { rngFrom, sentence } from './fake-dom.mjs';

const ORIGIN = 'https://shop.example.com';
const USERS = 5_000;
const FIRST = ['ada', 'grace', 'alan', 'linus', 'barbara', 'ken', 'margaret', 'dennis', 'edsger', 'frances', 'john', 'radia'];
const LAST = ['lovelace', 'hopper', 'turing', 'torvalds', 'liskov', 'thompson', 'hamilton', 'ritchie', 'dijkstra', 'allen', 'backus', 'perlman'];
const SECTIONS = ['products', 'category', 'search', 'account', 'orders', 'blog', 'help'];
const CUSTOM = ['checkout.started', 'checkout.completed', 'cart.added', 'signup.started', 'search.performed', 'coupon.applied'];
const BROWSERS = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 1440, 900],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 1512, 982],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 1920, 1080],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 390, 844],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 412, 915],
  ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 820, 1180],
];

/** A standard normal draw (Box–Muller). */
function normal(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Skewed towards the first paths: a few pages get most visits, as on a real site. */
function pagePath(rng) {
  if (rng.chance(0.25)) return '/';
  if (rng.chance(0.15)) return `/checkout/step-${rng.int(1, 4)}`;
  const section = rng.zipf(SECTIONS);
  if (section === 'search') return `/search?q=${rng.zipf(['lamp', 'chair', 'desk', 'linen', 'coffee table', 'vintage'])}`.replace(' ', '+');
  return `/${section}/${Math.floor(rng.next() ** 3 * 400) + 1}`;
}

function user(rng) {
  const n = Math.floor(rng.next() ** 3 * USERS);
  // `meta.user`, as the SDK's identify() sends it.
  return {
    user: {
      id: `user-${n}`,
      email: `${FIRST[n % FIRST.length]}.${LAST[(n >> 4) % LAST.length]}${n}@example.com`,
      name: `${FIRST[n % FIRST.length]} ${LAST[(n >> 4) % LAST.length]}`.replace(/\b\w/g, (c) => c.toUpperCase()),
    },
  };
}

const custom = (timestamp, tag, payload) => ({ type: 5, timestamp, data: { tag, payload } });
const click = (timestamp, x, y) => ({ type: 3, timestamp, data: { source: 2, type: 2, id: 5, x, y, pointerType: 0 } });

function snapshot(timestamp, href, title, [width, height]) {
  return [
    { type: 4, timestamp, data: { href, width, height } },
    {
      type: 2,
      timestamp: timestamp + 1,
      data: {
        node: { type: 0, id: 1, childNodes: [{ type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [
          { type: 2, id: 3, tagName: 'head', attributes: {}, childNodes: [{ type: 2, id: 6, tagName: 'title', attributes: {}, childNodes: [{ type: 3, id: 7, textContent: title }] }] },
          { type: 2, id: 4, tagName: 'body', attributes: {}, childNodes: [{ type: 2, id: 5, tagName: 'button', attributes: {}, childNodes: [] }] },
        ] }] },
        initialOffset: { left: 0, top: 0 },
      },
    },
  ];
}

/**
 * Yields `count` template sessions `{ id, batches }` starting in `[startMs, startMs + spanMs)`,
 * each batch a valid body for `POST /api/v1/ingest`.
 */
export function* templateSessions({ count, seed = 1, startMs, spanMs }) {
  const rng = rngFrom(`list/${seed}`);
  for (let i = 0; i < count; i++) {
    const id = `s-${seed}-${i.toString(36).padStart(6, '0')}-${rng.hex(8)}`;
    const t0 = startMs + Math.floor(rng.next() * spanMs);
    // Log-normal durations: median ~3 min, a long tail to the recorder's 2-hour cap.
    const durationMs = Math.min(2 * 3_600_000, Math.max(5_000, Math.round(Math.exp(Math.log(180_000) + 1.1 * normal(rng)))));
    const [ua, width, height] = rng.zipf(BROWSERS);
    const who = rng.chance(0.7) ? user(rng) : {};
    const tags = {};
    if (rng.chance(0.2)) tags.plan = rng.pick(['free', 'pro', 'team']);
    if (rng.chance(0.05)) tags.vip = '';
    const experiments = rng.chance(0.3) ? { 'new-checkout': rng.pick(['control', 'variant-a', 'variant-b']) } : undefined;
    const ticket = rng.chance(0.01) ? `ZD-${rng.int(1000, 99999)}` : undefined;

    const pages = 1 + Math.min(30, Math.floor(durationMs / rng.int(20_000, 90_000)));
    const visits = Array.from({ length: pages }, (_, k) => ({ at: t0 + Math.floor((k / pages) * durationMs), path: pagePath(rng) }));
    const events = [];
    for (const [k, visit] of visits.entries()) {
      const href = `${ORIGIN}${visit.path}`;
      events.push(...snapshot(visit.at, href, `${visit.path} · Shop`, [width, height]));
      if (rng.chance(0.3)) events.push(custom(visit.at + 500, rng.zipf(CUSTOM), { step: k }));
      if (rng.chance(0.05)) events.push(custom(visit.at + 700, 'tapedeck.console', { level: 'error', args: [`TypeError: ${sentence(rng, 2, 5)}`] }));
      if (rng.chance(0.03)) events.push(custom(visit.at + 800, 'tapedeck.error', { kind: 'error', message: `ReferenceError: ${rng.pick(['cart', 'price', 'user'])} is not defined`, stack: 'at app.js:1:2' }));
      if (rng.chance(0.04)) {
        const status = rng.pick([404, 500, 502, 0]);
        events.push(custom(visit.at + 900, 'tapedeck.network', { kind: 'fetch', method: 'GET', url: `${ORIGIN}/api/v2/${rng.pick(['cart', 'orders', 'feed'])}?page=${rng.int(1, 9)}`, status, ok: false, ...(status === 0 ? { error: 'network error' } : {}), start: visit.at + 850, duration_ms: 50 }));
      }
      if (rng.chance(0.02)) for (let c = 0; c < 5; c++) events.push(click(visit.at + 1_000 + c * 120, 300, 200));
      else events.push(click(visit.at + 1_000, rng.int(0, width), rng.int(0, height)));
    }
    events.push(custom(t0 + durationMs, 'session.heartbeat', {}));
    events.sort((a, b) => a.timestamp - b.timestamp);

    // Two batches (three for long sessions), as the recorder cuts them; meta on every batch.
    const cuts = durationMs > 600_000 ? 3 : 2;
    const size = Math.ceil(events.length / cuts);
    const batches = [];
    for (let seq = 0; seq * size < events.length; seq++) {
      const part = events.slice(seq * size, (seq + 1) * size);
      const meta = { url: `${ORIGIN}${visits[0].path}`, user_agent: ua, viewport: { width, height }, ...who };
      if (Object.keys(tags).length > 0) meta.tags = tags;
      if (experiments) meta.experiments = experiments;
      if (ticket) Object.assign(meta, { ticket, ticket_url: `https://support.example.com/tickets/${ticket}` });
      batches.push({ session_id: id, window_id: `w-${id}`, seq, meta, events: part });
    }
    yield { id, startMs: t0, durationMs, batches };
  }
}
