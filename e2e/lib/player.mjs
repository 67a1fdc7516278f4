// Opening replays in the web app as a support agent would, and generated long sessions posted
// to a real server (bench/lib/generate-session.mjs), for the player's tests.
import { gzipSync } from 'node:zlib';
import { generateBatches } from '../../bench/lib/generate-session.mjs';
import { logIn } from './server.mjs';

/** Returns the player page, with `window.tapedeck.player` ready. */
export async function openEmbeddedReplay(browser, serverUrl, sessionId) {
  const viewer = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const player = await viewer.newPage();
  await logIn(player, serverUrl);
  await player.goto(`${serverUrl}/sessions/${sessionId}?embed=1`);
  await player.waitForFunction(() => window.tapedeck?.player);
  await player.evaluate(() => window.tapedeck.player.ready);
  return player;
}

/**
 * Generates a session (options of `generateBatches`; it ends a minute ago, so retention never
 * sees it as old), posts its batches gzipped to the server's ingest endpoint and returns
 * `{ sessionId, windowId, startMs, events }` (`events`: every event, in order).
 */
/**
 * Posts ingest batches gzipped as the SDK sends them, `concurrency` in flight; throws on the
 * first refused one.
 */
export async function postBatches(server, batches, concurrency = 6) {
  let next = 0;
  const post = async () => {
    while (next < batches.length) {
      const body = gzipSync(JSON.stringify(batches[next++]));
      const response = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-tapedeck-project': server.ingestKey },
        body,
      });
      if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, post));
}

export async function ingestGeneratedSession(server, options) {
  const startMs = Date.now() - options.minutes * 60_000 - 60_000;
  const batches = [...generateBatches({ ...options, startMs })];
  const events = batches.flatMap((b) => b.events);
  await postBatches(server, batches);
  return { sessionId: batches[0].session_id, windowId: batches[0].window_id, startMs, events };
}
