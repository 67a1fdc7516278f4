// Opens a session's replay as a support agent would: log in through the web app, then the
// embed view (`?embed=1`, the replay alone at its recorded size), waiting for the first frame.
import { OWNER_EMAIL, OWNER_PASSWORD } from './server.mjs';

/** Returns the player page, with `window.tapedeck.player` ready. */
export async function openEmbeddedReplay(browser, serverUrl, sessionId) {
  const viewer = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const player = await viewer.newPage();
  await player.goto(`${serverUrl}/login`);
  await player.fill('input[type=email]', OWNER_EMAIL);
  await player.fill('input[type=password]', OWNER_PASSWORD);
  await player.click('button[type=submit]');
  await player.waitForURL(`${serverUrl}/`);
  await player.goto(`${serverUrl}/sessions/${sessionId}?embed=1`);
  await player.waitForFunction(() => window.tapedeck?.player);
  await player.evaluate(() => window.tapedeck.player.ready);
  return player;
}
