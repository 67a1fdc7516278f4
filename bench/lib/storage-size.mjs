/**
 * Sizes for the storage benchmark (bench/storage.mjs): what the server stored for a session (its
 * blob files under the data dir), and the baselines beside it — zstd of many small inputs at once
 * with the `zstd` CLI, the server's cut of a window into blocks (to try a dictionary on them), and
 * dictionary training.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Target raw size of a block between keyframes (crates/core/src/recording DEFAULT_BLOCK_TARGET_BYTES). */
export const BLOCK_TARGET_BYTES = 1024 * 1024;
/** zstd level of compacted blocks (crates/core/src/recording DEFAULT_ZSTD_LEVEL). */
export const BLOCK_ZSTD_LEVEL = 17;
/** zstd level of ingest segments (docs/FORMAT.md, version 0). */
export const SEGMENT_ZSTD_LEVEL = 3;

/** The `zstd` CLI's version line, or null when it is missing (`apt-get install zstd`). */
export function zstdVersion() {
  const out = spawnSync('zstd', ['--version'], { encoding: 'utf8' });
  return out.error || out.status !== 0 ? null : /v[\d.]+/.exec(out.stdout)?.[0] ?? out.stdout.trim();
}

/**
 * zstd size of `buf` at `level` without blocking the event loop (a 2-hour session takes ~20 s at
 * level 19), so the server keeps being fed while it runs. NaN when the CLI is missing or fails.
 */
export function zstdBytesAsync(buf, level) {
  return new Promise((ok) => {
    const child = spawn('zstd', [...(level > 19 ? ['--ultra'] : []), `-${level}`, '-c', '-q'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (chunk) => (bytes += chunk.length));
    child.on('error', () => ok(NaN));
    child.on('close', (code) => ok(code === 0 ? bytes : NaN));
    child.stdin.on('error', () => {}); // a failed child closes stdin early; its exit code reports it
    child.stdin.end(buf);
  });
}

/**
 * Bytes of every blob of `sessionId` in a file blob store under `dataDir` (any region prefix):
 * ingest segments (`*.json.zst`), compacted recordings (`*.tdr`), and anything else.
 */
export function sessionBlobs(dataDir, sessionId) {
  const sizes = { segments: { files: 0, bytes: 0 }, recordings: { files: 0, bytes: 0 }, other: { files: 0, bytes: 0 } };
  const add = (path) => {
    const kind = path.endsWith('.json.zst') ? 'segments' : path.endsWith('.tdr') ? 'recordings' : 'other';
    sizes[kind].files += 1;
    sizes[kind].bytes += statSync(path).size;
  };
  const walk = (dir, depth, inside) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed while we looked (compaction deletes segments)
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (inside || depth < 6) walk(path, depth + 1, inside || e.name === sessionId);
      } else if (inside) {
        try {
          add(path);
        } catch {
          // deleted between the listing and the stat
        }
      }
    }
  };
  walk(join(dataDir, 'blobs'), 0, false);
  return sizes;
}

/**
 * The server's cut of a window into blocks (crates/core/src/recording/cut.rs): a block starts at
 * each keyframe (Meta then FullSnapshot before any incremental event, from the Meta) and after
 * `target` raw bytes outside a keyframe group. Returns `{jsons, keyframe}` per block.
 */
export function cutBlocks(kinds, jsons, target = BLOCK_TARGET_BYTES) {
  const starts = new Array(kinds.length).fill(false);
  const inside = new Array(kinds.length).fill(false);
  let pendingMeta = null;
  kinds.forEach((kind, i) => {
    if (kind === 4) pendingMeta = i;
    else if (kind === 2) {
      const start = pendingMeta ?? i;
      pendingMeta = null;
      starts[start] = true;
      for (let j = start + 1; j <= i; j++) inside[j] = true;
    } else if (kind === 3) pendingMeta = null;
  });
  const blocks = [];
  let begin = 0;
  let size = 0;
  for (let i = 0; i < kinds.length; i++) {
    if (i > begin && (starts[i] || (size >= target && !inside[i]))) {
      blocks.push({ jsons: jsons.slice(begin, i), keyframe: starts[begin] });
      begin = i;
      size = 0;
    }
    size += jsons[i].length + 1;
  }
  if (begin < kinds.length) blocks.push({ jsons: jsons.slice(begin), keyframe: starts[begin] });
  return blocks;
}

/**
 * Total zstd size of each input compressed on its own at `level` (with dictionary file `dict`
 * when given): one `zstd` run over a temp dir, not one process per input. NaN without the CLI.
 */
export function zstdEach(inputs, level, dict = null) {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-bench-zstd-'));
  try {
    const src = join(dir, 'in');
    const out = join(dir, 'out');
    mkdirSync(src);
    mkdirSync(out);
    inputs.forEach((buf, i) => writeFileSync(join(src, `${i}`), buf));
    const args = [`-${level}`, '-q', '-r', src, '--output-dir-flat', out, ...(level > 19 ? ['--ultra'] : []), ...(dict ? ['-D', dict] : [])];
    const run = spawnSync('zstd', args, { maxBuffer: 1 << 26 });
    if (run.error || run.status !== 0) return NaN;
    return readdirSync(out).reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn(path)` with `buf` in a temp file (a raw-content dictionary for `zstdEach`). */
export function withTempFile(buf, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-bench-file-'));
  try {
    const path = join(dir, 'file');
    writeFileSync(path, buf);
    return fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Trains a zstd dictionary of at most `maxBytes` on `samples` (cut into 128 KiB pieces, as
 * `zstd --train -B` does); returns `{ path, bytes, ms, cleanup }` or null without the CLI.
 */
export function trainDictionary(samples, maxBytes = 112_640) {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-bench-dict-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const src = join(dir, 'samples');
  mkdirSync(src);
  samples.forEach((buf, i) => writeFileSync(join(src, `${i}`), buf));
  const path = join(dir, 'dict');
  const started = Date.now();
  const run = spawnSync('zstd', ['--train', '-q', '-r', src, '-B131072', `--maxdict=${maxBytes}`, '-o', path], { maxBuffer: 1 << 26 });
  if (run.error || run.status !== 0) {
    cleanup();
    return null;
  }
  return { path, bytes: statSync(path).size, ms: Date.now() - started, cleanup };
}
