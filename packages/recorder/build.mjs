// Builds the recorder bundles with esbuild and prints their sizes:
//   dist/tapedeck.js      IIFE for <script> tags, defines window.Tapedeck (from src/iife.ts)
//   dist/tapedeck-capture.js  network/console capture, loaded by tapedeck.js only when asked for
//   dist/tapedeck.esm.js  ESM for bundlers (from src/index.ts), capture included
// Type declarations are emitted by `tsc -p tsconfig.build.json` afterwards (see package.json).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** Budget of the minified IIFE after gzip: 40 kB (issue 3, HOUSE-STYLE §13); the build fails above it. */
const MAX_IIFE_GZIP_BYTES = 40_000;

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

/** In the script-tag bundle, `./capture/capture` becomes the lazy loader of tapedeck-capture.js. */
const lazyCapture = {
  name: 'lazy-capture',
  setup(b) {
    b.onResolve({ filter: /\/capture\/capture$/ }, (args) =>
      args.importer.endsWith('recorder.ts') ? { path: join(root, 'src/capture/lazy-capture.ts') } : undefined,
    );
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'src/iife.ts')],
    outfile: join(dist, 'tapedeck.js'),
    format: 'iife',
    minify: true,
    plugins: [lazyCapture],
  }),
  build({
    ...common,
    entryPoints: [join(root, 'src/capture/capture-entry.ts')],
    outfile: join(dist, 'tapedeck-capture.js'),
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
for (const file of ['tapedeck.js', 'tapedeck-capture.js', 'tapedeck.esm.js']) {
  const bytes = readFileSync(join(dist, file));
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  console.log(`${file.padEnd(20)} ${kib(bytes.length)} minified, ${kib(gzipBytes)} gzipped`);
  if (file === 'tapedeck.js' && gzipBytes > MAX_IIFE_GZIP_BYTES) {
    console.error(`tapedeck.js is over its budget of ${kib(MAX_IIFE_GZIP_BYTES)} gzipped`);
    overBudget = true;
  }
}
if (overBudget) process.exit(1);

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
