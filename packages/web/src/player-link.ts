//! The session page's line to the player that `replay-host.ts` mounts: the playhead store fed by
//! the player's time updates, seeking, and handing the timeline (markers, inactive spans) over.
//!
//! The host's `subscribe`, `setTimeline` and `getPlayer` are asked for in /tmp/team/ISSUE6.md
//! ("Changes"); until the host has them, time is polled from the automation facade and the
//! timeline goes to the player directly when it can take one.

import type { Player } from '@tapedeck/player';
import type { InactiveSpan, TimelineMarker } from './inspector/timeline.ts';
import type { Playhead } from './inspector/playhead.ts';
import { replayHost } from './replay-host.ts';

interface TimelineInput {
  markers: TimelineMarker[];
  inactive: InactiveSpan[];
}

/** What the session page uses of the host beyond `show`/`release`, each maybe missing. */
interface HostExtensions {
  subscribe?(listener: { onTimeUpdate?(ms: number): void }): () => void;
  setTimeline?(timeline: TimelineInput): void;
  getPlayer?(): (Player & { setTimeline?(timeline: TimelineInput): void }) | null;
}

const host = replayHost as unknown as HostExtensions;

/** How often the current time is read when the host cannot push it (ms). */
const POLL_INTERVAL_MS = 250;

/** Returns the player's current time, or null while no player is mounted. */
export function currentTime(): number | null {
  try {
    return replayHost.facade.getCurrentTime();
  } catch {
    return null;
  }
}

/**
 * Returns the time to act on ("add a note here", "copy a link here"): the player's own, which
 * may be a moment ahead of the last update the playhead heard, else the playhead's.
 */
export function timeNow(playhead: Playhead): number {
  return currentTime() ?? playhead.get();
}

/** Feeds `playhead` with the player's time until the returned function is called. */
export function connectPlayhead(playhead: Playhead): () => void {
  const read = (): void => {
    const ms = currentTime();
    if (ms !== null) playhead.set(ms);
  };
  if (typeof host.subscribe === 'function') {
    const stop = host.subscribe({ onTimeUpdate: (ms) => playhead.set(ms) });
    read();
    return stop;
  }
  read();
  const timer = window.setInterval(read, POLL_INTERVAL_MS);
  return () => window.clearInterval(timer);
}

/** Seeks the player (if one is mounted) and moves the playhead at once. */
export function seekTo(playhead: Playhead, ms: number): void {
  try {
    replayHost.facade.seek(ms);
  } catch {
    return; // no player yet: nothing to move
  }
  playhead.set(currentTime() ?? ms);
}

/** Hands markers and inactive spans to the player; returns false when it cannot take them yet. */
export function pushTimeline(timeline: TimelineInput): boolean {
  if (typeof host.setTimeline === 'function') {
    host.setTimeline(timeline);
    return true;
  }
  const player = typeof host.getPlayer === 'function' ? host.getPlayer() : null;
  if (player && typeof player.setTimeline === 'function') {
    player.setTimeline(timeline);
    return true;
  }
  return false;
}
