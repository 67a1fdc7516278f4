/**
 * The page model behind bench/lib/generate-session.mjs: a seeded PRNG, page text, and a DOM of a
 * few thousand nodes kept as a tree so that every generated mutation refers to nodes that exist
 * at that moment (the session replays in rrweb's Replayer) and every checkout serializes the page
 * as it is then. Serialized nodes have rrweb-snapshot's shapes and key order (what `record()`
 * emits): element `{type: 2, tagName, attributes, childNodes, id}`, text `{type: 3, textContent,
 * id}`, document `{type: 0, childNodes, compatMode, id}`, doctype `{type: 1, name, publicId,
 * systemId, id}`.
 */

/** mulberry32: small, fast, and the same sequence on every platform for one seed. */
export function rngFrom(seed) {
  let a = hashSeed(seed);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    /** Exponentially distributed with this mean: gaps between independent happenings. */
    expo: (mean) => -Math.log(1 - next()) * mean,
    /** Skewed towards the start of `xs` (common words are common). */
    zipf: (xs) => xs[Math.floor(next() ** 2.2 * xs.length)],
    hex: (n) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
  return r;
}

function hashSeed(seed) {
  let h = 2166136261;
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

const WORDS = ('the of and to in is for on with your this that you it by from are at as be we our all new can more '
  + 'order account price free shipping cart add review details product team project report status update today week '
  + 'month total customers sales open closed pending search settings help contact about support delivery return '
  + 'size color black white blue small large available stock item items page next previous view show hide filter '
  + 'sort name date amount invoice payment plan upgrade billing profile security notifications message messages reply '
  + 'share save cancel delete edit create dashboard analytics revenue growth users active session sessions error '
  + 'warning success loading data table chart summary overview activity recent latest popular featured best seller '
  + 'coffee table lamp chair desk wooden linen cotton organic handmade classic modern vintage premium everyday').split(' ');

export function sentence(rng, lo = 5, hi = 16) {
  const n = rng.int(lo, hi);
  const out = [];
  for (let i = 0; i < n; i++) out.push(rng.zipf(WORDS));
  const s = out.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

export const title = (rng, n = 3) => Array.from({ length: n }, () => {
  const w = rng.pick(WORDS);
  return w[0].toUpperCase() + w.slice(1);
}).join(' ');

export const price = (rng) => `$${rng.int(3, 480)}.${rng.pick(['00', '49', '95', '99'])}`;

/** A DOM of one page, with rrweb node ids (1 is the document, as in rrweb's mirror). */
export class FakeDom {
  constructor() {
    this.nodes = new Map();
    this.nextId = 1;
    this.document = this.#node({ kind: 'document' }, null);
    this.#node({ kind: 'doctype' }, this.document);
  }

  #node(props, parent, before = null) {
    const node = { id: this.nextId++, parent, children: [], ...props };
    this.nodes.set(node.id, node);
    if (parent) {
      const at = before ? parent.children.indexOf(before) : -1;
      if (at < 0) parent.children.push(node);
      else parent.children.splice(at, 0, node);
    }
    return node;
  }

  el(tag, attributes, parent, before = null) {
    return this.#node({ kind: 'element', tag, attributes: { ...attributes } }, parent, before);
  }

  text(content, parent, { style = false } = {}) {
    return this.#node({ kind: 'text', text: content, style }, parent);
  }

  /** An element with one text child; the common leaf of a page. */
  leaf(tag, attributes, content, parent) {
    const e = this.el(tag, attributes, parent);
    this.text(content, e);
    return e;
  }

  /** Indentation text between elements, as HTML source leaves it (rrweb records it). */
  gap(parent, depth) {
    this.text(`\n${'  '.repeat(depth)}`, parent);
  }

  /** Detaches `node` and forgets its subtree; returns the rrweb `removes` entry. */
  remove(node) {
    const siblings = node.parent.children;
    siblings.splice(siblings.indexOf(node), 1);
    const forget = (n) => {
      this.nodes.delete(n.id);
      n.children.forEach(forget);
    };
    forget(node);
    return { parentId: node.parent.id, id: node.id };
  }

  /** rrweb `adds` entries for a subtree just inserted: parents first, each node without children. */
  adds(node) {
    const out = [];
    const walk = (n, nextId) => {
      out.push({ parentId: n.parent.id, nextId, node: this.serialize(n, false) });
      n.children.forEach((c) => walk(c, null));
    };
    const siblings = node.parent.children;
    walk(node, siblings[siblings.indexOf(node) + 1]?.id ?? null);
    return out;
  }

  /**
   * The rrweb serialized form of `node` (with its subtree unless `deep` is false). Attributes are
   * copied: the event must show the node as it is now, not after later changes to the page.
   */
  serialize(node, deep = true) {
    const kids = () => (deep ? node.children.map((c) => this.serialize(c)) : []);
    switch (node.kind) {
      case 'document':
        return { type: 0, childNodes: kids(), compatMode: 'CSS1Compat', id: node.id };
      case 'doctype':
        return { type: 1, name: 'html', publicId: '', systemId: '', id: node.id };
      case 'element':
        return node.svg
          ? { type: 2, tagName: node.tag, attributes: { ...node.attributes }, childNodes: kids(), isSVG: true, id: node.id }
          : { type: 2, tagName: node.tag, attributes: { ...node.attributes }, childNodes: kids(), id: node.id };
      default:
        return node.style
          ? { type: 3, textContent: node.text, isStyle: true, id: node.id }
          : { type: 3, textContent: node.text, id: node.id };
    }
  }

  count() {
    return this.nodes.size;
  }
}
