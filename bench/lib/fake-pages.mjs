/**
 * Pages of the generated sessions (bench/lib/generate-session.mjs): a shop listing, an orders
 * table, a live dashboard, an article and a checkout form, each 1,700–2,800 nodes with the chrome
 * of a real site (a stylesheet as rrweb inlines it, scripts, navigation, footer, indentation text)
 * and handles on the nodes the simulated user and the page itself change.
 */
import { FakeDom, price, sentence, title } from './fake-dom.mjs';

export const PAGE_KINDS = ['list', 'table', 'dashboard', 'article', 'form'];
const ORIGIN = 'https://shop.example.com';
const PATHS = { list: '/c/living-room', table: '/account/orders', dashboard: '/admin', article: '/journal/how-we-source', form: '/checkout' };

const PROPS = [
  ['display', ['block', 'flex', 'grid', 'inline-flex', 'none']], ['color', ['#1f2933', '#52606d', '#0b6bcb', '#fff', 'inherit']],
  ['margin', ['0', '0 auto', '8px 0', '0 0 16px', '4px']], ['padding', ['0', '8px 12px', '16px', '4px 8px', '24px 0']],
  ['font-size', ['12px', '14px', '16px', '20px', '1.25rem']], ['line-height', ['1.2', '1.4', '1.5', '20px']],
  ['border', ['0', '1px solid #e4e7eb', '1px solid transparent']], ['border-radius', ['4px', '6px', '50%', '999px']],
  ['background', ['#fff', '#f5f7fa', 'transparent', '#0b6bcb', 'linear-gradient(180deg,#fff,#f5f7fa)']],
  ['justify-content', ['space-between', 'center', 'flex-start']], ['align-items', ['center', 'baseline', 'stretch']],
  ['font-weight', ['400', '500', '600', '700']], ['transition', ['all .2s ease', 'opacity .15s linear', 'transform .3s']],
];

/** One site-wide stylesheet (~20 KB), the same on every page and checkout of a session. */
function stylesheet(rng) {
  const blocks = ['header', 'nav', 'card', 'grid', 'btn', 'table', 'row', 'cell', 'kpi', 'feed', 'form', 'field', 'footer', 'badge', 'menu', 'toast', 'article', 'price'];
  const parts = ['', '__title', '__body', '__meta', '__icon', '--active', '--muted', ':hover', '__link', '--lg'];
  const rules = [];
  for (const b of blocks) {
    for (const p of parts) {
      const decl = Array.from({ length: rng.int(2, 6) }, () => {
        const [k, vs] = rng.pick(PROPS);
        return `${k}: ${rng.pick(vs)};`;
      }).join(' ');
      rules.push(`.${b}${p} { ${decl} }`);
    }
  }
  rules.push('@media (max-width: 768px) { .grid { grid-template-columns: 1fr 1fr; } .nav { display: none; } }');
  return rules.join('\n');
}

function chrome(dom, rng, css, kind) {
  const html = dom.el('html', { lang: 'en' }, dom.document);
  const head = dom.el('head', {}, html);
  dom.gap(head, 2);
  dom.el('meta', { charset: 'utf-8' }, head);
  dom.el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }, head);
  dom.leaf('title', {}, `${title(rng, 2)} · Shop Example`, head);
  const style = dom.el('style', {}, head);
  dom.text(css, style, { style: true });
  for (const name of ['runtime', 'vendor', 'app']) dom.el('script', { src: `/assets/${name}.${rng.hex(8)}.js`, defer: '' }, head);
  dom.gap(head, 1);
  const body = dom.el('body', { class: `page page--${kind}` }, html);
  const header = dom.el('header', { class: 'header' }, body);
  const nav = dom.el('ul', { class: 'nav' }, header);
  const links = [];
  for (let i = 0; i < 9; i++) {
    dom.gap(nav, 3);
    const li = dom.el('li', { class: 'nav__item' }, nav);
    links.push(dom.leaf('a', { class: 'nav__link', href: `/c/${rng.hex(6)}` }, title(rng, 1), li));
    // The mega menu real shops keep hidden in every page.
    const sub = dom.el('ul', { class: 'menu menu--muted', hidden: '' }, li);
    for (let j = 0; j < 10; j++) dom.leaf('a', { class: 'menu__link', href: `/c/${rng.hex(6)}` }, title(rng, 2), dom.el('li', { class: 'menu__item' }, sub));
  }
  const cartCount = dom.text('0', dom.el('span', { class: 'badge', 'aria-label': 'cart' }, header));
  const search = dom.el('input', { type: 'search', class: 'field', placeholder: 'Search', value: '' }, header);
  const main = dom.el('main', { class: `main main--${kind}` }, body);
  const footer = dom.el('footer', { class: 'footer' }, body);
  for (let c = 0; c < 4; c++) {
    const col = dom.el('div', { class: 'footer__col' }, footer);
    dom.leaf('h4', { class: 'footer__title' }, title(rng, 1), col);
    for (let i = 0; i < 7; i++) dom.leaf('a', { class: 'footer__link', href: `/p/${rng.hex(5)}` }, title(rng, 2), col);
  }
  return { body, main, links, cartCount, inputs: [search] };
}

function card(dom, rng, parent, before = null) {
  const c = dom.el('div', { class: 'card', 'data-sku': rng.hex(10) }, parent, before);
  dom.gap(c, 5);
  dom.el('img', { class: 'card__icon', src: `/img/${rng.hex(12)}.jpg`, alt: title(rng, 2), loading: 'lazy', width: '320', height: '240' }, c);
  dom.leaf('h3', { class: 'card__title' }, title(rng, 3), c);
  const meta = dom.el('div', { class: 'card__meta' }, c);
  const priceText = dom.text(price(rng), dom.el('span', { class: 'price' }, meta));
  const stars = dom.el('span', { class: 'badge', title: 'rating' }, meta);
  for (let i = 0; i < 5; i++) dom.el('i', { class: i < rng.int(2, 5) ? 'card__icon--active' : 'card__icon--muted' }, stars);
  dom.leaf('p', { class: 'card__body' }, sentence(rng, 6, 14), c);
  const button = dom.leaf('button', { class: 'btn', type: 'button' }, 'Add to cart', c);
  dom.gap(c, 4);
  return { node: c, button, priceText };
}

function row(dom, rng, parent, cols, before = null) {
  const tr = dom.el('tr', { class: 'row', 'data-id': rng.hex(8) }, parent, before);
  const cells = [];
  for (let i = 0; i < cols; i++) {
    const content = i === 0 ? `#${rng.int(10000, 99999)}` : i === 2 ? price(rng) : i === 3 ? rng.pick(['Paid', 'Pending', 'Shipped', 'Refunded']) : title(rng, rng.int(1, 3));
    cells.push(dom.text(content, dom.el('td', { class: `cell cell--${i}` }, tr)));
  }
  return { node: tr, cells };
}

function feedItem(dom, rng, parent, before = null) {
  const li = dom.el('li', { class: 'feed__item' }, parent, before);
  dom.el('span', { class: 'feed__icon', style: `background-color: #${rng.hex(6)}` }, li);
  dom.leaf('strong', { class: 'feed__title' }, title(rng, 2), li);
  dom.leaf('p', { class: 'feed__body' }, sentence(rng, 4, 12), li);
  const time = dom.text(`${rng.int(1, 59)}s ago`, dom.el('time', { class: 'feed__meta' }, li));
  return { node: li, time };
}

/** A page: its DOM, URL, and the nodes the simulation acts on. */
export function buildPage(kind, rng, css) {
  const dom = new FakeDom();
  const c = chrome(dom, rng, css, kind);
  const page = {
    kind, dom, href: `${ORIGIN}${PATHS[kind]}?v=${rng.hex(4)}`, clickables: [...c.links], inputs: [...c.inputs], checkboxes: [],
    liveTexts: [c.cartCount], liveAttrs: [], feed: null, addItem: null, scrollHeight: 0,
  };
  const { main } = c;
  if (kind === 'list') {
    const grid = dom.el('div', { class: 'grid' }, main);
    for (let i = 0; i < 110; i++) {
      const k = card(dom, rng, grid);
      page.clickables.push(k.button);
      page.liveTexts.push(k.priceText);
      page.liveAttrs.push(k.node);
    }
    page.feed = grid;
    page.addItem = (before) => card(dom, rng, grid, before).node;
  } else if (kind === 'table' || kind === 'dashboard') {
    const rows = kind === 'table' ? 140 : 90;
    const cols = kind === 'table' ? 8 : 6;
    if (kind === 'dashboard') {
      const kpis = dom.el('section', { class: 'grid' }, main);
      for (let i = 0; i < 8; i++) {
        const k = dom.el('div', { class: 'kpi' }, kpis);
        dom.leaf('h4', { class: 'kpi__title' }, title(rng, 2), k);
        page.liveTexts.push(dom.text(`${rng.int(100, 99999)}`, dom.el('span', { class: 'kpi__body' }, k)));
        page.liveAttrs.push(dom.el('div', { class: 'kpi__meta', style: `width: ${rng.int(5, 95)}%` }, k));
      }
      const chart = dom.el('svg', { class: 'chart', viewBox: '0 0 600 200', width: '600', height: '200' }, main);
      chart.svg = true;
      for (let i = 0; i < 200; i++) {
        const bar = dom.el('rect', { x: String(i * 5), y: '0', width: '4', height: String(rng.int(4, 200)), fill: '#0b6bcb' }, chart);
        bar.svg = true;
        page.liveAttrs.push(bar);
      }
      const feed = dom.el('ul', { class: 'feed' }, main);
      for (let i = 0; i < 60; i++) page.liveTexts.push(feedItem(dom, rng, feed).time);
      page.feed = feed;
      page.addItem = (before) => feedItem(dom, rng, feed, before).node;
    }
    const table = dom.el('table', { class: 'table' }, main);
    const headRow = dom.el('tr', { class: 'row' }, dom.el('thead', {}, table));
    for (let i = 0; i < cols; i++) page.clickables.push(dom.leaf('th', { class: 'cell cell--head', 'aria-sort': 'none' }, title(rng, 1), headRow));
    const tbody = dom.el('tbody', {}, table);
    for (let i = 0; i < rows; i++) {
      const r = row(dom, rng, tbody, cols);
      page.liveTexts.push(...r.cells.slice(2, 4));
      page.liveAttrs.push(r.node);
      page.clickables.push(r.node);
    }
    if (kind === 'table') {
      page.feed = tbody;
      page.addItem = (before) => row(dom, rng, tbody, cols, before).node;
    }
  } else if (kind === 'article') {
    const article = dom.el('article', { class: 'article' }, main);
    dom.leaf('h1', { class: 'article__title' }, title(rng, 6), article);
    for (let i = 0; i < 110; i++) {
      dom.gap(article, 3);
      const p = dom.el('p', { class: 'article__body' }, article);
      dom.text(sentence(rng, 12, 30) + ' ', p);
      if (rng.chance(0.5)) page.clickables.push(dom.leaf('a', { href: `/journal/${rng.hex(6)}`, class: 'article__link' }, title(rng, 2), p));
      dom.text(' ' + sentence(rng, 10, 40), p);
      if (rng.chance(0.3)) dom.leaf('em', {}, title(rng, 2), p);
    }
    const comments = dom.el('ol', { class: 'feed' }, main);
    for (let i = 0; i < 80; i++) feedItem(dom, rng, comments);
    page.feed = comments;
    page.addItem = (before) => feedItem(dom, rng, comments, before).node;
    const box = dom.el('textarea', { class: 'field', name: 'comment' }, main);
    page.inputs.push(box);
  } else {
    const form = dom.el('form', { class: 'form', method: 'post', action: '/checkout' }, main);
    for (let s = 0; s < 4; s++) {
      const set = dom.el('fieldset', { class: 'form__body' }, form);
      dom.leaf('legend', { class: 'form__title' }, title(rng, 2), set);
      for (let f = 0; f < 7; f++) {
        const field = dom.el('div', { class: 'field' }, set);
        const name = `f${s}_${f}`;
        dom.leaf('label', { for: name, class: 'field__title' }, title(rng, 2), field);
        if (f === 6) {
          const select = dom.el('select', { id: name, name, class: 'field__body' }, field);
          for (let o = 0; o < 12; o++) dom.leaf('option', { value: String(o) }, title(rng, 1), select);
          page.clickables.push(select);
        } else if (f === 5) {
          page.checkboxes.push(dom.el('input', { id: name, name, type: 'checkbox', class: 'field__body' }, field));
        } else {
          page.inputs.push(dom.el('input', { id: name, name, type: 'text', class: 'field__body', autocomplete: 'on', value: '' }, field));
        }
        page.liveAttrs.push(field);
      }
    }
    const summary = dom.el('ul', { class: 'feed' }, main);
    for (let i = 0; i < 70; i++) {
      const k = card(dom, rng, summary);
      page.liveTexts.push(k.priceText);
    }
    page.feed = summary;
    page.addItem = (before) => card(dom, rng, summary, before).node;
    page.clickables.push(dom.leaf('button', { class: 'btn btn--lg', type: 'submit' }, 'Place order', form));
  }
  page.scrollHeight = Math.round(dom.count() * 1.6);
  return page;
}

export { stylesheet };

/** Payload of a `tapedeck.network` custom event at `t` (packages/recorder/src/capture/network.ts). */
export function networkPayload(rng, t) {
  const ok = rng.chance(0.96);
  const duration = rng.int(15, 900);
  const path = rng.pick(['cart', 'products', 'orders', 'metrics', 'feed', 'recommendations', 'session']);
  return {
    kind: rng.chance(0.8) ? 'fetch' : 'xhr', method: rng.chance(0.8) ? 'GET' : 'POST',
    url: `${ORIGIN}/api/v2/${path}?page=${rng.int(1, 20)}&_=${t}`,
    status: ok ? 200 : rng.pick([404, 500, 502]), ok, start: t - duration, duration_ms: duration,
    request_size: 0, response_size: rng.int(200, 40_000),
    request_headers: { accept: 'application/json' },
    response_headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': rng.hex(16) },
  };
}

/** Payload of a `tapedeck.console` custom event (packages/recorder/src/capture/console.ts). */
export function consolePayload(rng) {
  const level = rng.pick(['log', 'log', 'info', 'warn', 'error']);
  const payload = { level, args: [sentence(rng, 3, 12), `{"items":${rng.int(0, 40)},"page":${rng.int(1, 9)}}`] };
  if (level === 'error') payload.stack = `Error: ${sentence(rng, 3, 6)}\n    at render (${ORIGIN}/assets/app.${rng.hex(8)}.js:1:${rng.int(1000, 99999)})`;
  return payload;
}
