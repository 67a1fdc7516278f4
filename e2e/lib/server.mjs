// Starts a real `tapedeck serve` on a free loopback port over a fresh temp data dir, with an
// owner account created by `tapedeck admin create-user` (as an operator would). The server can
// be halted and started again on the same port and data dir, for tests of what the recorder
// does while its server is down.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const OWNER_EMAIL = 'owner@e2e.test';
export const OWNER_PASSWORD = 'e2e owner password';
const READY_TIMEOUT_MS = 30_000;

function binary() {
  return process.env.TAPEDECK_BIN ?? resolve(import.meta.dirname, '../../target/debug/tapedeck');
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
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

/**
 * Starts the server; returns { url, ingestKey, dataDir, output, halt, start, stop }:
 * `halt()` stops the process and keeps the data, `kill()` ends it with SIGKILL (a crash),
 * `start()` starts it again on the same port, `stop()` halts it and deletes the data dir.
 * Options: `args` (more `serve` flags, e.g. a shared --database-url), `env` (more variables),
 * `owner` (false: do not create the owner account, e.g. a second node of one database).
 */
export async function startServer({ args = [], env: extraEnv = {}, owner = true } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapedeck-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', RUST_BACKTRACE: '0', ...extraEnv };
  let child = null;
  let output = '';

  async function start() {
    if (child !== null) return;
    child = spawn(binary(), ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...args], { env });
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

  async function halt() {
    if (child === null) return;
    const running = child;
    child = null;
    running.kill('SIGTERM');
    await new Promise((r) => (running.exitCode !== null ? r() : running.once('exit', r)));
  }

  async function kill() {
    if (child === null) return;
    const running = child;
    child = null;
    running.kill('SIGKILL');
    await new Promise((r) => (running.exitCode !== null || running.signalCode !== null ? r() : running.once('exit', r)));
  }

  await start();
  const ingestKey = /Ingest key of project "Default": (\S+)/.exec(output)?.[1];
  if (owner) {
    if (!ingestKey) throw new Error(`no ingest key printed on first run:\n${output}`);
    const created = spawnSync(
      binary(),
      ['admin', 'create-user', '--data-dir', dataDir, ...args, '--email', OWNER_EMAIL, '--password-stdin', '--org', 'Default', '--role', 'owner'],
      { input: OWNER_PASSWORD, env },
    );
    if (created.status !== 0) throw new Error(`create-user failed: ${created.stderr}`);
  }
  return {
    url,
    ingestKey,
    dataDir,
    output: () => output,
    start,
    halt,
    kill,
    async stop() {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs `page` in through the web app's form. */
export async function logIn(page, serverUrl) {
  await page.goto(`${serverUrl}/login`);
  await page.fill('input[type=email]', OWNER_EMAIL);
  await page.fill('input[type=password]', OWNER_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${serverUrl}/`);
}

/** Logs in through the API and returns the cookie header value. */
export async function login(url) {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: OWNER_EMAIL, password: OWNER_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie').split(';')[0];
}

/** Changes the settings of the server's first project (the default one) through the API. */
export async function updateProjectSettings(url, cookie, patch) {
  const { projects } = await (await fetch(`${url}/api/v1/projects`, { headers: { cookie } })).json();
  const response = await fetch(`${url}/api/v1/projects/${projects[0].id}/settings`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`updating project settings failed: ${response.status} ${await response.text()}`);
  return response.json();
}
