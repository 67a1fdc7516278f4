//! The player page's replay host and the automation facade `window.tapedeck.player`
//! (SPEC §7). The facade exists before any session is loaded, so automation can
//! `await window.tapedeck.player.ready` from the first moment; its methods act on
//! whichever player is mounted, and `loadSession` swaps in another session.
//!
//! The host replays a session a range at time: the session's metadata gives its duration and
//! windows, and a `RangeSource` on the events API (docs/API.md) feeds the player. The session
//! page hands it the timeline (markers, inactive spans) and listens to the playhead through it.

import type {
  Player,
  PlayerState,
  RangeAnswer,
  RangeRequest,
  RangeSource,
  SessionReplayAPI,
  TimelineData,
} from '@tapedeck/player';
import { ApiError, getSession } from './api.ts';

/** `SessionReplayAPI` plus `loadSession`, as exposed to automation and embedders. */
export interface AutomationPlayer extends SessionReplayAPI {
  /** Opens session `id` and replaces the player; resolves on its first frame. */
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

/** Hears the mounted player, whichever it is; kept across `show`s. */
export interface PlayerListener {
  onTimeUpdate?(ms: number): void;
  onStateChange?(state: PlayerState): void;
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

/** GETs JSON from the API as the app's other calls do, with an abort signal. */
async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network_error', 'Could not reach the Tapedeck server. Check your connection and try again.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`;
    throw new ApiError(response.status, code, message);
  }
  if (body === undefined) throw new ApiError(response.status, 'invalid_response', 'The server sent an unreadable answer.');
  return body as T;
}

/** A `RangeSource` on `GET /api/v1/sessions/{id}/events` for one window. */
export function eventsRangeSource(id: string, windowId: string | null, durationMs: number): RangeSource {
  return {
    durationMs,
    fetch(request: RangeRequest, init) {
      const query = new URLSearchParams();
      if (windowId) query.set('window', windowId);
      if ('after' in request) query.set('after', String(Math.floor(request.after)));
      else query.set('from', String(Math.floor(request.from)));
      query.set('to', String(Math.ceil(request.to)));
      return getJson<RangeAnswer>(`/api/v1/sessions/${encodeURIComponent(id)}/events?${query}`, init?.signal);
    },
  };
}

class ReplayHost {
  private player: Player | null = null;
  private container: HTMLElement | null = null;
  private shownId: string | null = null;
  private generation = 0;
  /** What `ready` answers: settled by the latest `show` that was not superseded. */
  private latest: Deferred = deferred();
  private waiters = new Map<string, Deferred>();
  private listeners = new Set<PlayerListener>();
  private timeline: TimelineData | null = null;
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
   * Mounts a player for session `id` in `container`, replacing any other, fed from the events
   * API a range at a time. Resolves when the first frame is painted; rejects with
   * `SupersededError` when a later `show` or `release` came first.
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
      // The player (and rrweb in it) is its own chunk: the sessions list never loads it.
      const [session, { createPlayer }] = await Promise.all([getSession(id), import('@tapedeck/player')]);
      if (!isCurrent()) throw new SupersededError();
      const windowId = options.windowId ?? session.windows?.[0] ?? null;
      const durationMs = Math.max(0, Math.round((session.duration ?? 0) * 1000));
      const player = createPlayer(container, {
        source: eventsRangeSource(id, windowId, durationMs),
        startAt: options.startAt ?? 0,
        embed: options.embed === true,
        ...(this.timeline ?? {}),
        onTimeUpdate: (ms) => this.listeners.forEach((l) => l.onTimeUpdate?.(ms)),
        onStateChange: (state) => this.listeners.forEach((l) => l.onStateChange?.(state)),
      });
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
    this.timeline = null;
  }

  /** Returns the mounted player, or null while none is. */
  getPlayer(): Player | null {
    return this.player;
  }

  /**
   * Adds a listener for the time and state of whichever player is mounted, now and after
   * later `show`s; returns the function that removes it.
   */
  subscribe(listener: PlayerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands the timeline (markers, inactive spans) to the mounted player, and to the one the
   * current `show` is still mounting. A `release` forgets it.
   */
  setTimeline(timeline: TimelineData): void {
    this.timeline = { ...this.timeline, ...timeline };
    this.player?.setTimeline(timeline);
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
