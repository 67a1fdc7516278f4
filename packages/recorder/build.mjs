// Builds the recorder bundles with esbuild and prints their sizes:
//   dist/tapedeck.js      IIFE for <script> tags, defines window.Tapedeck (from src/iife.ts)
//   dist/tapedeck.esm.js  ESM for bundlers (from src/index.ts)
// Type declarations are emitted by `tsc -p tsconfig.build.json` afterwards (see package.json).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** Budget of the minified IIFE after gzip; the build fails above it (HOUSE-STYLE §13). */
const MAX_IIFE_GZIP_BYTES = 40 * 1024;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  target: 'es2019',
  platform: 'browser',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'src/iife.ts')],
    outfile: join(dist, 'tapedeck.js'),
    format: 'iife',
    minify: true,
  }),
  build({
    ...common,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(dist, 'tapedeck.esm.js'),
    format: 'esm',
    minify: true,
  }),
]);

let overBudget = false;
for (const file of ['tapedeck.js', 'tapedeck.esm.js']) {
  const bytes = readFileSync(join(dist, file));
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  console.log(`${file.padEnd(16)} ${kib(bytes.length)} minified, ${kib(gzipBytes)} gzipped`);
  if (file === 'tapedeck.js' && gzipBytes > MAX_IIFE_GZIP_BYTES) {
    console.error(`tapedeck.js is over its budget of ${kib(MAX_IIFE_GZIP_BYTES)} gzipped`);
    overBudget = true;
  }
}
if (overBudget) process.exit(1);

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
