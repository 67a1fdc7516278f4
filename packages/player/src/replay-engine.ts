//! One rrweb `Replayer` over a contiguous span of a window's events (from a keyframe on),
//! translated to the player clock. The span grows at its end (load-ahead), shrinks at its
//! start (dropping events far behind the playhead), and is replaced whole for a seek outside it.
//!
//! rrweb's timer stops when it runs out of events and its machine "finishes" after the last
//! one, which would freeze the clock in a quiet stretch or at the end of what is loaded. So the
//! engine keeps a no-op custom event (the *edge*) at the end of the loaded span: the clock runs
//! through quiet stretches up to it, and reaching it means "out of loaded events".

import { Replayer } from '@rrweb/replay';
import { EventType, IncrementalSource, MouseInteractions, type eventWithTime } from '@rrweb/types';
import { lastIndexAtOrBefore } from './event-lookup.ts';
import { CanvasPainter } from './canvas-painter.ts';
import { keyframeIndices } from './keyframes.ts';
import { safeLastPlayed } from './last-played.ts';
import { isScriptFreeSandbox } from './sandbox-policy.ts';
import { scrollOffsetsAt } from './scroll-positions.ts';

/** The tag of the edge event; the player never shows or returns it. */
export const EDGE_TAG = 'tapedeck.player.edge';

/**
 * A seek applies its events through rrweb's virtual DOM (built from the whole document, then
 * diffed back) when it has at least this many DOM mutations to apply, and straight to the
 * document otherwise: the virtual DOM costs a fixed pass over the page, and pays off only when
 * many mutations would otherwise each touch the live document (docs/BENCHMARKS.md, player).
 */
export const VIRTUAL_DOM_MIN_MUTATIONS = 300;

/** How close to the edge of the loaded span rrweb's "finish" must come to count as reaching it. */
const EDGE_SLACK_MS = 1_000;

/** Appended events are handed to the Replayer this many per frame. */
const APPEND_SLICE = 300;

/**
 * rrweb applies synchronously only the events strictly before a seek's time, so events at
 * exactly that time (a keyframe, when seeking to one) would wait for playback. The engine
 * seeks this much later and reports its time this much earlier.
 */
const SEEK_NUDGE_MS = 1;

/**
 * Styles added to every replay document. In an iframe without `allow-scripts` a `<canvas>`
 * shows its fallback content and loses its size (HTML treats it as script-less), which shifts
 * everything after it; this gives it back its recorded size from the `width`/`height`
 * attributes (typed `attr()`, default 300×150 as for a real canvas); `overflow: hidden` puts
 * it on the text baseline as a replaced element sits. `:where` keeps the specificity at zero,
 * so the page's own canvas sizing still wins; `content-visibility: hidden` hides the fallback
 * content a real canvas would not show. The attributes size a canvas's content box whatever the
 * page's `box-sizing` (resets often set `* { box-sizing: border-box }`), hence `content-box`.
 * The canvas's pixels are shown as its background (canvas-painter.ts).
 */
const REPLAY_STYLE_RULES = [
  ':where(canvas) { display: inline-block; box-sizing: content-box !important; overflow: hidden; content-visibility: hidden; width: attr(width px, 300px); height: attr(height px, 150px); background-size: 100% 100%; background-repeat: no-repeat; }',
] as const;

/** A recording the player cannot replay, or a container it cannot use. */
export class PlayerError extends Error {
  override name = 'PlayerError';
}

/** What an engine reports to the player. */
export interface EngineHooks {
  /** The recorded viewport changed size. */
  onResize(size: { width: number; height: number }): void;
  /** Playback reached the edge of the loaded events. */
  onEdge(): void;
  /** An event was applied while playing (not while seeking). */
  onLiveCast?(event: eventWithTime): void;
  /** Events were applied while seeking (synchronously). */
  onSeeked?(): void;
}

/** Returns how many DOM mutation events of `events` (sorted) lie in `(fromEpoch, toEpoch]`. */
export function countMutations(events: readonly eventWithTime[], fromEpoch: number, toEpoch: number): number {
  let count = 0;
  for (let i = lastIndexAtOrBefore(events, toEpoch); i >= 0 && events[i].timestamp > fromEpoch; i--) {
    const e = events[i];
    if (e.type === EventType.IncrementalSnapshot && (e.data as { source?: unknown }).source === IncrementalSource.Mutation) count++;
  }
  return count;
}

function scrollTop(target: Window | Element): number {
  return 'scrollY' in target ? target.scrollY : target.scrollTop;
}

function scrollLeft(target: Window | Element): number {
  return 'scrollX' in target ? target.scrollX : target.scrollLeft;
}

function edgeEvent(timestamp: number): eventWithTime {
  return { type: EventType.Custom, timestamp, data: { tag: EDGE_TAG, payload: {} } };
}

function isEdge(event: eventWithTime): boolean {
  return event.type === EventType.Custom && (event.data as { tag?: unknown }).tag === EDGE_TAG;
}

/** Returns the recorded viewport size in effect at `epochMs`: the last Meta or viewport resize. */
function sizeAt(events: readonly eventWithTime[], epochMs: number): { width: number; height: number } | null {
  for (let i = lastIndexAtOrBefore(events, epochMs); i >= 0; i--) {
    const e = events[i];
    const data = e.data as { source?: unknown; width?: unknown; height?: unknown };
    const resize = e.type === EventType.Meta || (e.type === EventType.IncrementalSnapshot && data.source === IncrementalSource.ViewportResize);
    if (resize && typeof data.width === 'number' && typeof data.height === 'number') return { width: data.width, height: data.height };
  }
  return null;
}

/** The rrweb internals `skipSyncScrolls` replaces (rrweb 2.1.6; private in its types). */
interface ScrollApplier {
  applyScroll(data: unknown, isSync: boolean): void;
}

/**
 * Makes rrweb skip scrolling while it applies a seek's events synchronously (`syncing()`): it
 * would scroll the document after rebuilding a snapshot and a node at each scroll event, and
 * each scroll after a DOM change makes the browser lay the page out again (a seek on a busy
 * page did some twenty layouts). The engine sets every node's offset at the target once, after
 * the pass (`restoreScroll`); scrolls while playing still go to rrweb.
 */
function skipSyncScrolls(replayer: Replayer, syncing: () => boolean): void {
  const internals = replayer as unknown as ScrollApplier;
  const applyScroll = internals.applyScroll.bind(replayer);
  internals.applyScroll = (data, isSync) => {
    if (!isSync) applyScroll(data, isSync);
  };
  // The snapshot's initial offset goes through the frame's own `scrollTo` (rrweb 2.1.6
  // `castFn` for a FullSnapshot); `document.open` keeps the Window, so this stays in place.
  const frame = replayer.iframe.contentWindow;
  if (!frame) return;
  const scrollTo = frame.scrollTo.bind(frame) as (...args: unknown[]) => void;
  frame.scrollTo = ((...args: unknown[]) => {
    if (!syncing()) scrollTo(...args);
  }) as typeof frame.scrollTo;
}

export class ReplayEngine {
  readonly replayer: Replayer;
  /** The held events (no edge events), sorted; what `getEventAtTime` searches. */
  events: eventWithTime[];
  /** Player-clock time of the Replayer's first event: its clock's zero. */
  private baseMs: number;
  private keyframes: number[];
  private edgeMs: number;
  private live = false;
  private destroyed = false;
  private readonly fixSizeTimer: number;
  private readonly painter: CanvasPainter;
  /** Appended events not yet handed to the Replayer (see `drain`). */
  private queue: eventWithTime[] = [];
  private queuedEdge: number | null = null;
  private drained: (() => void)[] = [];
  private drainFrame = 0;
  /** True while rrweb applies a seek's events synchronously (see `skipSyncScrolls`). */
  private syncing = false;

  /**
   * Builds a Replayer in `root` over `events` (sorted, starting at a keyframe or at the window's
   * start) with its edge at `edgeMs`, showing the frame at `atMs`. `originMs` is the epoch time
   * of the player clock's zero. Throws `PlayerError` if the iframe could run scripts.
   */
  constructor(
    root: HTMLElement,
    events: eventWithTime[],
    private readonly originMs: number,
    edgeMs: number,
    speed: number,
    private readonly hooks: EngineHooks,
  ) {
    this.events = events;
    this.baseMs = events[0].timestamp - originMs;
    this.keyframes = keyframeIndices(events).map((i) => events[i].timestamp - originMs);
    this.edgeMs = Math.max(edgeMs, events[events.length - 1].timestamp - originMs);
    try {
      this.replayer = new Replayer([...events, edgeEvent(originMs + this.edgeMs)], {
        root,
        speed,
        skipInactive: false,
        triggerFocus: false,
        UNSAFE_replayCanvas: false,
        showWarning: false,
        mouseTail: { duration: 500, lineWidth: 2, strokeStyle: 'rgba(37, 99, 235, 0.5)' },
        insertStyleRules: [...REPLAY_STYLE_RULES],
      });
    } catch (error) {
      throw new PlayerError(`The recording could not be loaded: ${String(error)}`);
    }
    // Recordings are untrusted input: refuse to go on if the iframe could run scripts.
    if (!isScriptFreeSandbox(this.replayer.iframe.getAttribute('sandbox'))) {
      this.replayer.destroy();
      throw new PlayerError('Refusing to replay: the replay iframe is not sandboxed without scripts.');
    }
    skipSyncScrolls(this.replayer, () => this.syncing);
    this.replayer.on('resize', (size) => hooks.onResize(size as { width: number; height: number }));
    this.replayer.on('finish', () => {
      // rrweb reports "finish" 50 ms after casting what was then its last event; after a
      // `replace` that may be a stale report: only the end of the loaded span counts.
      if (!this.destroyed && this.currentTime() >= this.edgeMs - EDGE_SLACK_MS) hooks.onEdge();
    });
    this.painter = new CanvasPainter(root.ownerDocument, (id) => this.replayer.getMirror().getNode(id));
    this.replayer.on('event-cast', (event) => {
      if (!this.live || this.destroyed || isEdge(event as eventWithTime)) return;
      this.painter.live(event as eventWithTime);
      hooks.onLiveCast?.(event as eventWithTime);
    });
    // The Replayer's constructor re-announces its *first* Meta's size on a timer, after the
    // synchronous seek below may have applied a later one: put the right size back after it.
    const win = root.ownerDocument.defaultView ?? window;
    this.fixSizeTimer = win.setTimeout(() => {
      const size = sizeAt(this.events, this.originMs + this.currentTime());
      if (size && !this.destroyed) this.applySize(size);
    }, 1);
  }

  /** Sizes the iframe and the mouse trail as rrweb's own resize handler does, and reports it. */
  private applySize(size: { width: number; height: number }): void {
    for (const el of [this.replayer.iframe, this.wrapper.querySelector('.replayer-mouse-tail')]) {
      el?.setAttribute('width', String(size.width));
      el?.setAttribute('height', String(size.height));
    }
    this.hooks.onResize(size);
  }

  /** The wrapper element rrweb put in the root (the iframe, mouse and trail). */
  get wrapper(): HTMLElement {
    return this.replayer.wrapper;
  }

  /** Player-clock time of the first keyframe held: the earliest time the engine can show. */
  get startMs(): number {
    return this.keyframes[0] ?? this.baseMs;
  }

  /** Player-clock times of the keyframes held. */
  get keyframeMs(): readonly number[] {
    return this.keyframes;
  }

  /** The current playback time on the player clock. */
  currentTime(): number {
    return this.baseMs + Math.max(0, this.replayer.getCurrentTime() - SEEK_NUDGE_MS);
  }

  /** Shows the frame at `ms` (player clock) and plays on from it when `playing`. */
  seek(ms: number, playing: boolean): void {
    this.flushQueue();
    const target = Math.max(this.baseMs, Math.min(ms, this.edgeMs));
    // Before the first snapshot there is no page yet (a session's clock starts with the load
    // events, a millisecond before it): show the first snapshot rather than nothing.
    const offset = Math.max(target, this.firstSnapshotMs()) - this.baseMs + SEEK_NUDGE_MS;
    // rrweb's MouseMove rewind bug would re-apply mutations (see last-played.ts).
    const context = this.replayer.service.state.context;
    context.lastPlayedEvent = safeLastPlayed(context.events, context.lastPlayedEvent);
    // Forward from what is shown, rrweb applies only what lies between; otherwise it rebuilds
    // from the keyframe before the target.
    const last = context.lastPlayedEvent?.timestamp ?? null;
    const forward = last !== null && last <= this.originMs + target;
    const fromEpoch = forward ? last : this.originMs + this.keyframeBefore(target);
    this.replayer.config.useVirtualDom = countMutations(this.events, fromEpoch, this.originMs + target) >= VIRTUAL_DOM_MIN_MUTATIONS;
    this.live = false;
    this.syncing = true;
    try {
      if (playing) this.replayer.play(offset);
      else this.replayer.pause(offset);
    } finally {
      this.syncing = false;
    }
    this.restoreScroll(target);
    void this.painter.show(this.events, this.originMs + target);
    this.live = playing;
    this.hooks.onSeeked?.();
  }

  /**
   * Sets every scrolled node to its recorded offset at `ms` (see scroll-positions.ts). Reads
   * every offset first, then scrolls: a scroll between two reads would make the browser lay
   * the page out again for the next read.
   */
  private restoreScroll(ms: number): void {
    const mirror = this.replayer.getMirror();
    const win = this.replayer.iframe.contentWindow;
    const moves: { target: Window | Element; x: number; y: number }[] = [];
    for (const { id, x, y } of scrollOffsetsAt(this.events, this.originMs + ms)) {
      const node = mirror.getNode(id);
      const target = node && node.nodeType === 9 ? win : node && node.nodeType === 1 ? (node as Element) : null;
      if (target && (Math.abs(scrollTop(target) - y) > 0.5 || Math.abs(scrollLeft(target) - x) > 0.5)) moves.push({ target, x, y });
    }
    for (const { target, x, y } of moves) target.scrollTo({ left: x, top: y, behavior: 'instant' });
  }

  /**
   * Stops playback where it is. Scroll offsets are set to the recorded ones at once: playback
   * scrolls smoothly, and at high speed an animation may still be on its way.
   */
  pause(): void {
    this.live = false;
    const ms = this.currentTime();
    this.replayer.pause();
    this.restoreScroll(ms);
  }

  setSpeed(speed: number): void {
    this.replayer.setConfig({ speed });
  }

  /** Appends events that follow the held ones, and moves the edge to `edgeMs`. */
  append(events: readonly eventWithTime[], edgeMs: number): Promise<void> {
    // An `after` answer starts strictly after the held events; anything else is a repeat.
    const last = this.events[this.events.length - 1].timestamp;
    const fresh = events.filter((e) => e.timestamp > last);
    this.events.push(...fresh);
    this.queue.push(...fresh);
    const starts = keyframeIndices(fresh).map((i) => fresh[i].timestamp - this.originMs);
    this.keyframes = [...this.keyframes, ...starts.filter((t) => t > (this.keyframes[this.keyframes.length - 1] ?? -Infinity))];
    const edge = Math.max(edgeMs, this.events[this.events.length - 1].timestamp - this.originMs);
    if (edge > this.edgeMs) {
      this.edgeMs = edge;
      this.queuedEdge = edge;
    }
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.scheduleDrain();
    });
  }

  /**
   * Hands queued events to the Replayer, `APPEND_SLICE` per frame: rrweb takes them one by one
   * through its state machine, and thousands at once would stall a frame while playing.
   */
  private drain(all: boolean): void {
    const slice = this.queue.splice(0, all ? this.queue.length : APPEND_SLICE);
    for (const event of slice) this.replayer.addEvent(event);
    if (this.queue.length > 0) return this.scheduleDrain();
    if (this.queuedEdge !== null) this.replayer.addEvent(edgeEvent(this.originMs + this.queuedEdge));
    this.queuedEdge = null;
    // rrweb adds events a microtask later; resolve after them.
    const done = this.drained.splice(0);
    void Promise.resolve().then(() => done.forEach((resolve) => resolve()));
  }

  private scheduleDrain(): void {
    if (this.drainFrame || this.destroyed) return;
    const win = this.replayer.iframe.ownerDocument.defaultView ?? window;
    this.drainFrame = win.requestAnimationFrame(() => {
      this.drainFrame = 0;
      if (!this.destroyed) this.drain(false);
    });
  }

  /** Hands every queued event to the Replayer now (before a seek, which must see them all). */
  private flushQueue(): void {
    if (this.queue.length === 0 && this.queuedEdge === null) return;
    if (this.drainFrame) (this.replayer.iframe.ownerDocument.defaultView ?? window).cancelAnimationFrame(this.drainFrame);
    this.drainFrame = 0;
    this.drain(true);
  }

  /**
   * Makes this Replayer play another span of the same window (a seek outside the loaded span):
   * its events replace the held ones, and the seek that follows rebuilds the page from the
   * span's keyframe in the same iframe, as rrweb does at a checkout. Cheaper than a new Replayer
   * (no iframe to create, no stylesheets to adapt again).
   */
  replace(events: eventWithTime[], edgeMs: number): void {
    this.queue = [];
    this.queuedEdge = null;
    this.drained.splice(0).forEach((resolve) => resolve());
    this.live = false;
    this.replayer.pause();
    this.events = events;
    this.baseMs = events[0].timestamp - this.originMs;
    this.keyframes = keyframeIndices(events).map((i) => events[i].timestamp - this.originMs);
    this.edgeMs = Math.max(edgeMs, events[events.length - 1].timestamp - this.originMs);
    const context = this.replayer.service.state.context;
    context.events.splice(0, context.events.length, ...events, edgeEvent(this.originMs + this.edgeMs));
    context.lastPlayedEvent = null;
  }

  /** Returns the time of the first held FullSnapshot on the player clock (the base if none). */
  private firstSnapshotMs(): number {
    const snapshot = this.events.find((e) => e.type === EventType.FullSnapshot);
    return snapshot ? snapshot.timestamp - this.originMs : this.baseMs;
  }

  /** Returns the time of the last held keyframe at or before `ms`, or the first event's. */
  private keyframeBefore(ms: number): number {
    let best = this.baseMs;
    for (const at of this.keyframes) {
      if (at > ms) break;
      best = at;
    }
    return best;
  }

  /** Returns how many held events lie before the keyframe at `keyframeMs`. */
  countBefore(keyframeMs: number): number {
    return lastIndexAtOrBefore(this.events, this.originMs + keyframeMs - 1) + 1;
  }

  /**
   * Drops the held events before the keyframe at `keyframeMs` (which must be behind the
   * playhead). The Replayer keeps its first event, the zero of its clock; what lies between
   * it and the keyframe is never needed again, as any seek before the keyframe builds anew.
   */
  trim(keyframeMs: number): void {
    const epoch = this.originMs + keyframeMs;
    const cut = this.events.findIndex((e) => e.timestamp >= epoch);
    if (cut <= 0) return;
    this.events.splice(0, cut);
    const inner = this.replayer.service.state.context.events;
    const innerCut = inner.findIndex((e, i) => i > 0 && e.timestamp >= epoch);
    if (innerCut > 1) inner.splice(1, innerCut - 1);
    this.keyframes = this.keyframes.filter((t) => t >= keyframeMs);
  }

  /** Returns the last held event at or before `ms` (player clock), or null. */
  eventAt(ms: number): eventWithTime | null {
    const i = lastIndexAtOrBefore(this.events, this.originMs + ms);
    return i >= 0 ? this.events[i] : null;
  }

  /** Returns true for a recorded click. */
  static isClick(event: eventWithTime): boolean {
    if (event.type !== EventType.IncrementalSnapshot) return false;
    const data = event.data as { source?: unknown; type?: unknown };
    return data.source === IncrementalSource.MouseInteraction && data.type === MouseInteractions.Click;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.queue = [];
    this.drained.splice(0).forEach((resolve) => resolve());
    this.painter.destroy();
    (this.replayer.iframe.ownerDocument.defaultView ?? window).clearTimeout(this.fixSizeTimer);
    this.replayer.destroy();
  }
}
