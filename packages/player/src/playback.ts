//! Progressive playback from a `RangeSource`: fetches the range a seek needs (from the keyframe
//! before it) and builds a replay engine on it, loads ahead while playing, drops events far
//! behind the playhead, and waits ("buffers") when playback outruns the loaded events.
//! The rules live in range-ledger.ts; this module does the fetching and the engines.

import type { eventWithTime } from '@rrweb/types';
import { hasFullSnapshot } from './keyframes.ts';
import { clampSeek } from './playback-limits.ts';
import {
  covers,
  coverageOfRange,
  extendCoverage,
  loadAheadRequest,
  MIN_TRIM_EVENTS,
  SEEK_RANGE_MS,
  seekRequest,
  trimPoint,
  type Coverage,
} from './range-ledger.ts';
import { PlayerError, ReplayEngine } from './replay-engine.ts';
import type { RangeAnswer, RangeRequest, RangeSource } from './types.ts';

/** How many more ranges a seek reads when the first holds no full snapshot (a window that starts later). */
const MAX_EXTRA_RANGES = 6;
/** After a failed load-ahead, wait this long before trying again. */
const AHEAD_RETRY_MS = 2_000;
/** Dropping old events is considered at most this often while playing. */
const TRIM_EVERY_MS = 1_000;
/**
 * Ranges fetched for seeks and prefetches are kept, the newest this many, so a seek back into
 * one (or to where the pointer rested on the timeline) needs no fetch. Each holds at most the
 * span from a keyframe to 30 s past its target (about 5½ minutes with 5-minute checkouts).
 */
const CACHED_RANGES = 3;

/** What playback reports to the player. */
export interface PlaybackHooks {
  /** A new engine was built; its wrapper is in the stage. */
  onEngine(engine: ReplayEngine): void;
  onResize(size: { width: number; height: number }): void;
  /** A seek is waiting for events (true) or done (false). */
  onLoading(loading: boolean): void;
  /** The loaded span changed. */
  onCoverage(coverage: Coverage | null): void;
  /** Playback reached the end of the session. */
  onEnded(): void;
  /** A fetch failed; `fatal` when nothing can be shown. */
  onError(error: Error, fatal: boolean): void;
  /** An event was applied while playing. */
  onLiveCast(event: eventWithTime): void;
  /** A seek applied its events (synchronously). */
  onSeeked(): void;
}

/** Events a seek fetched, and the span they cover. */
interface Loaded {
  events: eventWithTime[];
  coverage: Coverage;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

export class Playback {
  engine: ReplayEngine | null = null;
  coverage: Coverage | null = null;
  /** Epoch ms of the player clock's zero, learned from the first answer with events. */
  private origin: number | null = null;
  private target = 0;
  private playing = false;
  private buffering = false;
  private speed: number;
  private seekJob: AbortController | null = null;
  private aheadJob: AbortController | null = null;
  private cache: Loaded[] = [];
  private prefetchJob: { ms: number; request: Promise<Loaded | null>; abort: AbortController } | null = null;
  private aheadFailedAt = -Infinity;
  private lastTrimAt = 0;
  private settledWaiters: (() => void)[] = [];
  private destroyed = false;

  constructor(
    private readonly stage: HTMLElement,
    private readonly source: RangeSource,
    public durationMs: number,
    speed: number,
    private readonly hooks: PlaybackHooks,
  ) {
    this.speed = speed;
  }

  /** The playhead on the player clock. */
  time(): number {
    if (this.playing && this.engine && !this.seekJob && !this.buffering) {
      this.target = clampSeek(this.engine.currentTime(), this.durationMs);
    }
    return this.target;
  }

  /** True while a seek waits for its events. */
  isLoading(): boolean {
    return this.seekJob !== null;
  }

  /** Shows `ms` (fetching its range first when it is not loaded), playing on if playing. */
  seek(ms: number): void {
    if (this.destroyed) return;
    this.target = clampSeek(ms, this.durationMs);
    this.buffering = false;
    if (this.engine && covers(this.coverage, this.target)) {
      this.seekJob?.abort();
      this.seekJob = null;
      this.hooks.onLoading(false);
      this.engine.seek(this.target, this.playing);
      this.afterMove();
      this.settle();
      return;
    }
    if (!this.seekJob) void this.runSeek();
  }

  play(): void {
    if (this.destroyed || this.playing) return;
    this.playing = true;
    if (this.engine && !this.seekJob) this.seek(this.target);
  }

  pause(): void {
    if (this.destroyed || !this.playing) return;
    this.time();
    this.playing = false;
    this.buffering = false;
    this.engine?.pause();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.engine?.setSpeed(speed);
  }

  /** Called every frame while playing: loads ahead and drops old events. Returns the time. */
  tick(now: number): number {
    const t = this.time();
    this.loadAhead();
    if (now - this.lastTrimAt >= TRIM_EVERY_MS) {
      this.lastTrimAt = now;
      this.trim(t);
    }
    return t;
  }

  /**
   * Fetches the range a seek to `ms` would need, ahead of the seek (the pointer rests on the
   * timeline there), unless it is loaded, cached or being fetched.
   */
  prefetch(ms: number): void {
    const at = clampSeek(ms, this.durationMs);
    if (this.destroyed || covers(this.coverage, at) || this.cached(at) || this.seekJob) return;
    if (this.prefetchJob && Math.abs(this.prefetchJob.ms - at) < SEEK_RANGE_MS / 2) return;
    this.prefetchJob?.abort.abort();
    const abort = new AbortController();
    const request = this.load(at, abort.signal).then(
      (loaded) => {
        this.remember(loaded);
        return loaded;
      },
      () => null,
    );
    const job = { ms: at, request, abort };
    this.prefetchJob = job;
    void request.finally(() => {
      if (this.prefetchJob === job) this.prefetchJob = null;
    });
  }

  /** Returns the last loaded event at or before `ms`, or null. */
  eventAt(ms: number): eventWithTime | null {
    return this.engine?.eventAt(ms) ?? null;
  }

  /** Resolves when no seek is waiting for events. */
  settled(): Promise<void> {
    if (!this.seekJob) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  destroy(): void {
    this.destroyed = true;
    this.seekJob?.abort();
    this.aheadJob?.abort();
    this.prefetchJob?.abort.abort();
    this.cache = [];
    this.engine?.destroy();
    this.engine = null;
    this.settle();
  }

  private settle(): void {
    if (this.seekJob) return;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  private learnOrigin(answer: RangeAnswer): void {
    const first = answer.events[0];
    if (this.origin === null && first && answer.range.start_ms !== null) this.origin = first.timestamp - answer.range.start_ms;
  }

  private async fetch(request: RangeRequest, signal: AbortSignal): Promise<RangeAnswer> {
    const answer = await this.source.fetch(request, { signal });
    this.learnOrigin(answer);
    return answer;
  }

  /** Reads the range `ms` needs: from the keyframe before it, on until a full snapshot is held. */
  private async load(ms: number, signal: AbortSignal): Promise<{ events: eventWithTime[]; coverage: Coverage }> {
    const request = seekRequest(ms);
    const answer = await this.fetch(request, signal);
    let events = answer.events;
    let coverage = coverageOfRange(request, answer.range);
    for (let i = 0; i < MAX_EXTRA_RANGES && !hasFullSnapshot(events) && coverage.to !== Infinity; i++) {
      const next = { after: coverage.to, to: coverage.to + SEEK_RANGE_MS * 2 ** (i + 1) };
      const more = await this.fetch(next, signal);
      events = events.concat(more.events);
      coverage = extendCoverage(coverage, next, more.range);
    }
    if (!hasFullSnapshot(events)) throw new PlayerError('This recording has no full snapshot, so there is nothing to show.');
    return { events, coverage };
  }

  private remember(loaded: Loaded): void {
    this.cache = [...this.cache.filter((c) => c !== loaded), loaded].slice(-CACHED_RANGES);
  }

  private cached(ms: number): Loaded | null {
    for (let i = this.cache.length - 1; i >= 0; i--) if (covers(this.cache[i].coverage, ms)) return this.cache[i];
    return null;
  }

  /** The range for a seek to `ms`: cached, being prefetched, or fetched now. */
  private async rangeFor(ms: number, signal: AbortSignal): Promise<Loaded> {
    const hit = this.cached(ms);
    if (hit) return hit;
    const pending = this.prefetchJob;
    if (pending) {
      const prefetched = await pending.request;
      if (signal.aborted) throw new DOMException('The seek was replaced.', 'AbortError');
      if (prefetched && covers(prefetched.coverage, ms)) return prefetched;
    }
    const loaded = await this.load(ms, signal);
    this.remember(loaded);
    return loaded;
  }

  private edgeOf(coverage: Coverage): number {
    return coverage.to === Infinity ? this.durationMs : coverage.to;
  }

  private async runSeek(): Promise<void> {
    this.aheadJob?.abort();
    this.aheadJob = null;
    this.hooks.onLoading(true);
    for (;;) {
      const ms = this.target;
      const job = new AbortController();
      this.seekJob = job;
      let loaded: Loaded;
      try {
        loaded = await this.rangeFor(ms, job.signal);
      } catch (error) {
        if (isAbort(error, job.signal) || this.destroyed) return;
        this.seekJob = null;
        this.hooks.onLoading(false);
        this.hooks.onError(error instanceof Error ? error : new Error(String(error)), this.engine === null);
        this.settle();
        return;
      }
      if (job.signal.aborted || this.destroyed) return;
      // Scrubbing on while this range loaded: fetch again unless it covers the new target too.
      if (this.target !== ms && !covers(loaded.coverage, this.target)) continue;
      this.install(loaded.events, loaded.coverage);
      this.seekJob = null;
      this.hooks.onLoading(false);
      this.engine!.seek(this.target, this.playing);
      this.afterMove();
      this.settle();
      return;
    }
  }

  private install(events: eventWithTime[], coverage: Coverage): void {
    const origin = this.origin ?? events[0].timestamp;
    const last = events[events.length - 1].timestamp - origin;
    if (coverage.to === Infinity && last > this.durationMs) this.durationMs = last;
    // The engine grows and trims its own copy; the cached range stays as fetched.
    const held = [...events];
    if (this.engine) {
      // The same Replayer plays the new span (see ReplayEngine.replace).
      this.engine.replace(held, this.edgeOf(coverage));
      this.coverage = coverage;
      this.hooks.onCoverage(coverage);
      return;
    }
    const engine = new ReplayEngine(this.stage, held, origin, this.edgeOf(coverage), this.speed, {
      onResize: (size) => this.hooks.onResize(size),
      onEdge: () => this.onEdge(engine),
      onLiveCast: (event) => this.hooks.onLiveCast(event),
      onSeeked: () => this.hooks.onSeeked(),
    });
    this.engine = engine;
    this.coverage = coverage;
    this.hooks.onEngine(engine);
    this.hooks.onCoverage(coverage);
  }

  private afterMove(): void {
    this.loadAhead();
  }

  private onEdge(engine: ReplayEngine): void {
    if (engine !== this.engine || !this.playing || this.seekJob) return;
    if (!this.coverage || this.coverage.to === Infinity) {
      this.playing = false;
      this.target = this.durationMs;
      this.hooks.onEnded();
      return;
    }
    // Outran the loaded events: hold where playback stopped until the next range is in.
    this.target = clampSeek(engine.currentTime(), this.durationMs);
    this.buffering = true;
    this.loadAhead();
  }

  private loadAhead(): void {
    const engine = this.engine;
    const coverage = this.coverage;
    if (!engine || !coverage || this.seekJob || this.aheadJob || this.destroyed) return;
    if (performance.now() - this.aheadFailedAt < AHEAD_RETRY_MS) return;
    const request = loadAheadRequest(coverage, this.target, this.speed);
    if (!request) return;
    const job = new AbortController();
    this.aheadJob = job;
    this.fetch(request, job.signal).then(
      (answer) => {
        if (job.signal.aborted || engine !== this.engine || this.destroyed) return;
        this.aheadJob = null;
        const next = extendCoverage(coverage, request, answer.range);
        this.coverage = next;
        this.hooks.onCoverage(next);
        void engine.append(answer.events, this.edgeOf(next)).then(() => {
          if (engine !== this.engine || !this.buffering || !this.playing) return;
          this.buffering = false;
          engine.seek(this.target, true);
        });
        this.loadAhead();
      },
      (error: unknown) => {
        if (isAbort(error, job.signal) || this.destroyed) return;
        this.aheadJob = null;
        this.aheadFailedAt = performance.now();
        this.hooks.onError(error instanceof Error ? error : new Error(String(error)), false);
      },
    );
  }

  private trim(playheadMs: number): void {
    const engine = this.engine;
    const coverage = this.coverage;
    if (!engine || !coverage) return;
    const point = trimPoint(engine.keyframeMs, coverage, playheadMs);
    if (point === null || engine.countBefore(point) < MIN_TRIM_EVENTS) return;
    engine.trim(point);
    this.coverage = { from: point, to: coverage.to };
    this.hooks.onCoverage(this.coverage);
  }
}
