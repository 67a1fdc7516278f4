/**
 * The benchmark's "customer site": a loopback HTTP server for bench/pages, with the recorder of
 * the chosen arm put in place of `<!--RECORDER-->`, plus the injected bundles (raw rrweb record,
 * rrweb replay, Tapedeck's built SDK) and in-memory data blobs for the replay page.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = resolve(import.meta.dirname, '../pages');
export const SDK_PATH = join(ROOT, 'packages/recorder/dist/tapedeck.js');

/** Bundles an ESM snippet into a minified IIFE string (resolving packages from the repo root). */
async function iife(contents) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

export async function buildBundles() {
  return {
    record: await iife(`import { record } from '@rrweb/record'; window.rrwebRecord = record;`),
    replay: await iife(`import { Replayer } from '@rrweb/replay'; window.RrwebReplayer = Replayer;`),
    replayCss: readFileSync(join(ROOT, 'node_modules/@rrweb/replay/dist/style.css'), 'utf8'),
  };
}

/** The `<head>` markup each arm puts in place of `<!--RECORDER-->`. */
function recorderMarkup(arm, tapedeck, query) {
  if (arm === 'rrweb') {
    const every = Number(query.get('checkout') ?? 0);
    const opts = every > 0 ? `, checkoutEveryNms: ${every}` : '';
    return `<script src="/assets/rrweb-record.js"></script>
<script>window.__events = []; window.__stopRecording = rrwebRecord({ emit(e) { window.__events.push(e); }${opts} });</script>`;
  }
  if (arm === 'tapedeck') {
    return `<script src="/assets/tapedeck.js" data-project="${tapedeck.ingestKey}" data-endpoint="${tapedeck.url}"></script>`;
  }
  return '';
}

/**
 * Starts the site. `tapedeck` is `{url, ingestKey}` of the Tapedeck server (for the SDK's data
 * attributes). Pages are `/pages/NAME.html?arm=none|rrweb|tapedeck[&checkout=MS]`.
 */
export async function startSite(bundles, tapedeck) {
  const sdk = readFileSync(SDK_PATH, 'utf8');
  const blobs = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (type, body) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (url.pathname === '/assets/rrweb-record.js') return send('text/javascript', bundles.record);
      if (url.pathname === '/assets/rrweb-replay.js') return send('text/javascript', bundles.replay);
      if (url.pathname === '/assets/rrweb-replay.css') return send('text/css', bundles.replayCss);
      if (url.pathname === '/assets/tapedeck.js') return send('text/javascript', sdk);
      if (url.pathname.startsWith('/data/')) {
        const blob = blobs.get(url.pathname.slice(6));
        if (blob !== undefined) return send('application/json', blob);
      }
      const path = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '');
      if (path.startsWith('/pages/')) {
        const file = join(PAGES, path.slice(7));
        if (path.endsWith('.js')) return send('text/javascript', readFileSync(file));
        const html = readFileSync(file, 'utf8').replace(
          '<!--RECORDER-->',
          recorderMarkup(url.searchParams.get('arm') ?? 'none', tapedeck, url.searchParams),
        );
        return send('text/html; charset=utf-8', html);
      }
    } catch {
      // fall through to 404
    }
    res.writeHead(404).end('not found');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setBlob: (name, body) => blobs.set(name, body),
    deleteBlob: (name) => blobs.delete(name),
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}
