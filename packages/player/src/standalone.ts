//! The standalone build of the player (`dist/tapedeck-player.js` + `.css`, an IIFE defining
//! `window.TapedeckPlayer`), inlined into HTML exports so they replay from disk with no server.
//! `replayExport()` reads the page the server wrote (crates/core/src/export/html.rs): the
//! payload in `#tapedeck-events`, a `#tapedeck-player` container, a `#tapedeck-windows` bar for
//! sessions recorded in several tabs, and a `#tapedeck-status` line.

import { PlayerError, createPlayer, formatClock } from './index.ts';
import { decodeExportPayload, type ExportedWindow } from './export-payload.ts';
import type { Player } from './types.ts';

export { createPlayer, formatClock, PlayerError, decodeExportPayload };

declare global {
  interface Window {
    /** The mounted player, for automation (the same API as the web app's). */
    tapedeck?: { player: Player | null; windows: string[] };
  }
}

function required(doc: Document, id: string): HTMLElement {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`This export has no #${id} element.`);
  return el;
}

/** Mounts the replay of an HTML export's first window; tabs switch between windows. */
export async function replayExport(doc: Document = document): Promise<Player> {
  const status = required(doc, 'tapedeck-status');
  try {
    const payload = required(doc, 'tapedeck-events');
    const decoded = await decodeExportPayload(payload.textContent ?? '', payload.dataset.encoding ?? '');
    // A window may hold no event (docs/FORMAT.md): there is nothing to show for it.
    const windows = decoded.filter((w) => w.events.length > 0);
    if (windows.length === 0) throw new PlayerError('This export holds no recorded window.');
    const container = required(doc, 'tapedeck-player');
    const host = { player: null as Player | null, windows: windows.map((w) => w.window_id) };
    doc.defaultView!.tapedeck = host;
    const show = (w: ExportedWindow): Player => {
      host.player?.destroy();
      host.player = createPlayer(container, { events: w.events });
      return host.player;
    };
    renderTabs(doc, windows, show);
    const player = show(windows[0]);
    await player.ready;
    status.hidden = true;
    return player;
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : 'This replay cannot be shown.';
    status.dataset.tone = 'error';
    throw error;
  }
}

function renderTabs(doc: Document, windows: ExportedWindow[], show: (w: ExportedWindow) => Player): void {
  const bar = doc.getElementById('tapedeck-windows');
  if (!bar || windows.length < 2) return;
  windows.forEach((w, i) => {
    const button = doc.createElement('button');
    button.type = 'button';
    button.textContent = `Tab ${i + 1}`;
    button.title = w.window_id;
    button.setAttribute('aria-pressed', String(i === 0));
    button.addEventListener('click', () => {
      for (const b of Array.from(bar.querySelectorAll('button'))) b.setAttribute('aria-pressed', String(b === button));
      show(w);
    });
    bar.append(button);
  });
  bar.hidden = false;
}
