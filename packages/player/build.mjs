// Builds the standalone player that HTML exports inline (crates/core/src/export/html.rs):
//   dist/tapedeck-player.js   IIFE defining window.TapedeckPlayer (from src/standalone.ts)
//   dist/tapedeck-player.css  its styles (rrweb's and the player's)
// The server embeds both (crates/api/src/export/). The web app does not use dist/: Vite
// bundles the TypeScript sources itself.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/standalone.ts')],
  outfile: join(dist, 'tapedeck-player.js'),
  bundle: true,
  format: 'iife',
  globalName: 'TapedeckPlayer',
  target: 'es2020',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The files are inlined into <script> and <style> elements: text that would end them early
// must not occur (html.rs escapes it too, but a bundle without it needs no escaping at all).
for (const [file, bad] of [
  ['tapedeck-player.js', /<\/script|<!--/i],
  ['tapedeck-player.css', /<\/style/i],
]) {
  const bytes = readFileSync(join(dist, file));
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  console.log(`${file.padEnd(20)} ${kib(bytes.length)} minified, ${kib(gzipBytes)} gzipped`);
  if (bad.test(bytes.toString('utf8'))) console.warn(`${file} contains ${bad}; html.rs escapes it`);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
