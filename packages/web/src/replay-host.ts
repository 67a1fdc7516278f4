//! The player page's replay host and the automation facade `window.tapedeck.player`
//! (SPEC §7). The facade exists before any session is loaded, so automation can
//! `await window.tapedeck.player.ready` from the first moment; its methods act on
//! whichever player is mounted, and `loadSession` swaps in another session.

import { createPlayer, type Player, type SessionReplayAPI } from '@tapedeck/player';
import { getSessionEvents } from './api.ts';

/** `SessionReplayAPI` plus `loadSession`, as exposed to automation and embedders. */
export interface AutomationPlayer extends SessionReplayAPI {
  /** Fetches session `id`'s events and replaces the player; resolves on its first frame. */
  loadSession(id: string): Promise<void>;
}

declare global {
  interface Window {
    tapedeck?: { player: AutomationPlayer };
  }
}

/** How to mount one session's replay. */
export interface ShowOptions {
  startAt?: number;
  embed?: boolean;
  windowId?: string | null;
}

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  const d: Deferred = { promise: Promise.resolve(), settled: false, resolve: () => undefined, reject: () => undefined };
  d.promise = new Promise<void>((resolve, reject) => {
    d.resolve = () => {
      d.settled = true;
      resolve();
    };
    d.reject = (error) => {
      d.settled = true;
      reject(error);
    };
  });
  d.promise.catch(() => undefined); // only awaited by automation, if at all
  return d;
}

/** Thrown by a `show` that a later `show` or `release` replaced; callers ignore it. */
export class SupersededError extends Error {
  override name = 'SupersededError';
}

class ReplayHost {
  private player: Player | null = null;
  private container: HTMLElement | null = null;
  private shownId: string | null = null;
  private generation = 0;
  /** What `ready` answers: settled by the latest `show` that was not superseded. */
  private latest: Deferred = deferred();
  private waiters = new Map<string, Deferred>();
  /** Set by the app: opens the player page of a session, so the page chrome follows. */
  openSession: ((id: string) => void) | null = null;

  readonly facade: AutomationPlayer;

  constructor() {
    const active = (): Player => {
      if (!this.player) throw new Error('No session is loaded yet; await window.tapedeck.player.ready first.');
      return this.player;
    };
    const latest = (): Promise<void> => this.latest.promise;
    this.facade = {
      get ready() {
        return latest();
      },
      play: () => active().play(),
      pause: () => active().pause(),
      seek: (ms) => active().seek(ms),
      setSpeed: (x) => active().setSpeed(x),
      getCurrentTime: () => active().getCurrentTime(),
      getDuration: () => active().getDuration(),
      getEventAtTime: (ms) => active().getEventAtTime(ms),
      loadSession: (id) => this.loadSession(id),
    };
  }

  /**
   * Fetches `id`'s events and mounts a player in `container`, replacing any other.
   * Resolves when the first frame is painted; rejects with `SupersededError` when a
   * later `show` or `release` came first.
   */
  show(id: string, container: HTMLElement, options: ShowOptions = {}): Promise<void> {
    this.release();
    const generation = this.generation;
    this.container = container;
    this.shownId = id;
    if (this.latest.settled) this.latest = deferred();
    const target = this.latest;
    const isCurrent = (): boolean => generation === this.generation;
    const done = (async () => {
      const { events } = await getSessionEvents(id, options.windowId);
      if (!isCurrent()) throw new SupersededError();
      const player = createPlayer(container, { events, startAt: options.startAt ?? 0, embed: options.embed === true });
      this.player = player;
      await player.ready;
      if (!isCurrent()) throw new SupersededError();
    })();
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    done.then(
      () => {
        target.resolve();
        waiter?.resolve();
      },
      (error: unknown) => {
        if (error instanceof SupersededError) {
          // The next show settles `target`; a waiter for this id waits for it too.
          if (waiter && !this.waiters.has(id)) this.waiters.set(id, waiter);
          return;
        }
        target.reject(error);
        waiter?.reject(error);
      },
    );
    return done;
  }

  /** Destroys the mounted player, if `container` (when given) is the one it is in. */
  release(container?: HTMLElement): void {
    if (container && container !== this.container) return;
    this.generation++;
    this.player?.destroy();
    this.player = null;
    this.container = null;
    this.shownId = null;
  }

  private loadSession(id: string): Promise<void> {
    if (id === this.shownId) return this.latest.promise;
    if (!this.openSession) return Promise.reject(new Error('loadSession needs the Tapedeck web app.'));
    const waiter = this.waiters.get(id) ?? deferred();
    this.waiters.set(id, waiter);
    this.openSession(id);
    return waiter.promise;
  }
}

/** The one replay host of this page. */
export const replayHost = new ReplayHost();

/** Publishes `window.tapedeck.player`; safe to call more than once. */
export function installAutomation(): void {
  window.tapedeck = { ...(window.tapedeck ?? {}), player: replayHost.facade };
}
