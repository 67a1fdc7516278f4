// A `tapedeck serve` that can be stopped and started again on the same port over the same data
// dir, for checks that the recorder loses nothing while its server is down. Like startServer()
// in server.mjs, it creates the owner account on first start; remove() deletes the data dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort, OWNER_EMAIL, OWNER_PASSWORD } from './server.mjs';

const READY_TIMEOUT_MS = 30_000;

function binary() {
  return process.env.TAPEDECK_BIN ?? resolve(import.meta.dirname, '../../target/debug/tapedeck');
}

async function waitReady(url, child, output) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tapedeck exited with ${child.exitCode}\n${output()}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tapedeck did not become ready within ${READY_TIMEOUT_MS} ms\n${output()}`);
}

/** Starts the server; returns { url, ingestKey, dataDir, stop, start, remove }. */
export async function startRestartableServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapedeck-e2e-restart-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', RUST_BACKTRACE: '0' };
  let child = null;
  let output = '';

  async function start() {
    if (child !== null) return;
    child = spawn(binary(), ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], { env });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      await waitReady(url, child, () => output);
    } catch (e) {
      child.kill('SIGKILL');
      child = null;
      throw e;
    }
  }

  async function stop() {
    if (child === null) return;
    const running = child;
    child = null;
    running.kill('SIGTERM');
    await new Promise((r) => (running.exitCode !== null ? r() : running.once('exit', r)));
  }

  await start();
  const ingestKey = /Ingest key of project "Default": (\S+)/.exec(output)?.[1];
  if (!ingestKey) throw new Error(`no ingest key printed on first run:\n${output}`);
  const created = spawnSync(
    binary(),
    ['admin', 'create-user', '--data-dir', dataDir, '--email', OWNER_EMAIL, '--password-stdin', '--org', 'Default', '--role', 'owner'],
    { input: OWNER_PASSWORD, env },
  );
  if (created.status !== 0) throw new Error(`create-user failed: ${created.stderr}`);
  return {
    url,
    ingestKey,
    dataDir,
    output: () => output,
    start,
    stop,
    async remove() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
