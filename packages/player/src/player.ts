//! `createPlayer`: a framework-free replay component on `@rrweb/replay`. It wires the
//! progressive playback (playback.ts) to the control bar, the timeline, keyboard shortcuts,
//! the help overlay, fullscreen and the scaled viewport, and keeps the timing rules of the
//! automation API (SPEC §7).

import type { eventWithTime } from '@rrweb/types';
import { showClickRipple } from './click-ripple.ts';
import { createControls, type Controls } from './controls.ts';
import { deriveMarkers } from './derive-timeline.ts';
import { createHelpOverlay } from './help-overlay.ts';
import { inactiveSpans, normalizeSpans, skipTarget } from './inactivity.ts';
import { hasFullSnapshot } from './keyframes.ts';
import { memorySource } from './memory-source.ts';
import { clampSeek, clampSpeed, KEYBOARD_SEEK_STEP_MS } from './playback-limits.ts';
import { Playback } from './playback.ts';
import { PlayerError, ReplayEngine } from './replay-engine.ts';
import { nextMarker, previousMarker, shortcutAction, stepSpeed, type ShortcutAction } from './shortcuts.ts';
import { sortMarkers } from './timeline-view.ts';
import type { InactiveSpan, Player, PlayerOptions, PlayerState, RangeSource, TimelineMarker } from './types.ts';
import { createViewport, recordedSize } from './viewport.ts';

export { PlayerError };

/** How long the first frame may take before `ready` rejects, in milliseconds. */
const FIRST_FRAME_TIMEOUT_MS = 15_000;
/** A seek that waits for events longer than this shows a spinner (shorter ones would flicker). */
const SPINNER_DELAY_MS = 150;
/** How long a non-fatal loading error stays on screen. */
const NOTICE_MS = 5_000;

/**
 * Resolves once the next frame is painted: a requestAnimationFrame callback runs just before
 * the paint, and a message posted from it is handled just after.
 */
function afterPaint(win: Window): Promise<void> {
  return new Promise((resolve) =>
    win.requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }),
  );
}

/**
 * Returns true when a key press on `target` belongs to it: text fields, menus and other
 * form fields (a checkbox's Space, a slider's arrows), except the player's own scrubber.
 */
function ownsKeys(target: EventTarget | null, scrubber: (node: EventTarget | null) => boolean): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !(target.type === 'range' && scrubber(target));
  return target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

interface Recording {
  source: RangeSource;
  markers: TimelineMarker[];
  inactive: InactiveSpan[];
  events: eventWithTime[] | null;
}

/** Checks the options and returns where the events come from. */
function recordingOf(options: PlayerOptions): Recording {
  if (options.source) {
    return { source: options.source, markers: options.markers ?? [], inactive: options.inactive ?? [], events: null };
  }
  const events = [...(options.events ?? [])].sort((a, b) => a.timestamp - b.timestamp);
  if (events.length < 2) throw new PlayerError('This recording has too few events to replay.');
  if (!hasFullSnapshot(events)) throw new PlayerError('This recording has no full snapshot, so there is nothing to show.');
  const origin = events[0].timestamp;
  const durationMs = events[events.length - 1].timestamp - origin;
  return {
    source: memorySource(events, origin, durationMs),
    markers: options.markers ?? deriveMarkers(events, origin),
    inactive: options.inactive ?? inactiveSpans(events, origin, durationMs),
    events,
  };
}

/**
 * Mounts a replay inside `container`, which must be attached to the document: of
 * `options.events` (all in memory) or of `options.source` (fetched a range at a time). Throws
 * `PlayerError` for in-memory events with fewer than two events or no full snapshot; `ready`
 * rejects when the first frame cannot be shown (and if the replay iframe could run scripts).
 */
export function createPlayer(container: HTMLElement, options: PlayerOptions): Player {
  const doc = container.ownerDocument;
  const win = doc.defaultView;
  if (!container.isConnected || !win) throw new PlayerError('The player container must be attached to a document.');
  const recording = recordingOf(options);
  const embed = options.embed === true;

  const root = doc.createElement('div');
  root.className = embed ? 'td-player td-player--embed' : 'td-player';
  const stage = doc.createElement('div');
  stage.className = 'td-player__stage';
  const status = doc.createElement('div');
  status.className = 'td-player__status';
  status.setAttribute('role', 'status');
  status.hidden = true;
  stage.append(status);
  root.append(stage);
  container.append(root);

  let state: PlayerState = 'loading';
  let speed = clampSpeed(options.speed ?? 1);
  let skipInactive = options.skipInactive === true;
  let markers = sortMarkers(recording.markers);
  let inactive = normalizeSpans(recording.inactive);
  let wantsPlay = options.autoplay === true;
  let ticker = 0;
  let pendingSeekFrame = 0;
  let pendingSeekMs = 0;
  let spinnerTimer = 0;
  let noticeTimer = 0;
  let destroyed = false;

  const viewport = createViewport(stage, embed);
  if (recording.events) viewport.onResize(recordedSize(recording.events));
  const help = embed ? null : createHelpOverlay(doc);
  if (help) root.append(help.element);

  const showStatus = (text: string | null, tone: 'info' | 'error' = 'info'): void => {
    status.hidden = text === null;
    status.textContent = text ?? '';
    status.dataset.tone = tone;
  };

  let settleReady: (error?: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (error) => (error ? reject(error) : resolve());
  });
  ready.catch(() => undefined); // callers who never await `ready` must not see unhandled rejections

  const playback = new Playback(stage, recording.source, Math.max(0, recording.source.durationMs || 0), speed, {
    onEngine(engine: ReplayEngine) {
      viewport.attach(engine.wrapper);
      if (controls && playback.durationMs !== lastDuration) {
        lastDuration = playback.durationMs;
        controls.setDuration(lastDuration);
      }
    },
    onResize: (size) => viewport.onResize(size),
    onLoading(loading) {
      win.clearTimeout(spinnerTimer);
      root.dataset.loading = String(loading);
      if (loading) spinnerTimer = win.setTimeout(() => showStatus('Loading…'), SPINNER_DELAY_MS);
      else if (status.dataset.tone !== 'error') showStatus(null);
    },
    onCoverage: (coverage) => controls?.setCoverage(coverage),
    onEnded() {
      stopTicker();
      setState('ended');
      reportTime();
    },
    onError(error, fatal) {
      if (fatal && state === 'loading') {
        win.clearTimeout(timeout);
        settleReady(error);
      }
      win.clearTimeout(noticeTimer);
      showStatus(fatal ? error.message : `Part of the recording could not be loaded: ${error.message}`, 'error');
      if (!fatal) noticeTimer = win.setTimeout(() => showStatus(null), NOTICE_MS);
    },
    onLiveCast(event) {
      if (ReplayEngine.isClick(event) && playback.engine) showClickRipple(playback.engine.wrapper);
    },
    onSeeked: () => undefined,
  });
  let lastDuration = playback.durationMs;
  // Ask for the first range now, so it travels while the controls are built (its answer is
  // handled after this function returns, when everything below exists).
  playback.seek(clampSeek(options.startAt ?? 0, playback.durationMs));

  const setState = (next: PlayerState): void => {
    if (next === state) return;
    state = next;
    controls?.setPlaying(next === 'playing');
    root.dataset.state = next;
    options.onStateChange?.(next);
  };
  const reportTime = (): void => {
    const ms = playback.time();
    controls?.setTime(ms, state === 'playing');
    options.onTimeUpdate?.(ms);
  };
  const stopTicker = (): void => {
    if (ticker) win.cancelAnimationFrame(ticker);
    ticker = 0;
  };
  const tick = (now: number): void => {
    ticker = 0;
    if (state !== 'playing' || destroyed) return;
    const t = playback.tick(now);
    const skipTo = skipInactive && !playback.isLoading() ? skipTarget(t, inactive) : null;
    if (skipTo !== null) playback.seek(skipTo);
    reportTime();
    ticker = win.requestAnimationFrame(tick);
  };

  const player: Player = {
    ready,
    play() {
      if (destroyed) return;
      if (state === 'loading') {
        wantsPlay = true;
        return;
      }
      if (state === 'playing') return;
      if (state === 'ended' || playback.time() >= playback.durationMs) playback.seek(0);
      playback.play();
      setState('playing');
      stopTicker();
      ticker = win.requestAnimationFrame(tick);
    },
    pause() {
      if (destroyed) return;
      wantsPlay = false;
      if (state !== 'playing') return;
      playback.pause();
      stopTicker();
      setState('paused');
      reportTime();
    },
    seek(ms) {
      if (destroyed) return;
      playback.seek(clampSeek(ms, playback.durationMs));
      if (state === 'ended') setState('paused');
      if (state !== 'loading') reportTime();
    },
    setSpeed(x) {
      if (destroyed) return;
      speed = clampSpeed(x);
      playback.setSpeed(speed);
      controls?.setSpeed(speed);
    },
    getCurrentTime: () => playback.time(),
    getDuration: () => playback.durationMs,
    getEventAtTime: (ms) => playback.eventAt(ms),
    getState: () => state,
    getSpeed: () => speed,
    setTimeline(data) {
      if (data.markers) markers = sortMarkers(data.markers);
      if (data.inactive) inactive = normalizeSpans(data.inactive);
      controls?.setMarkers(markers);
      controls?.setInactive(inactive);
    },
    setSkipInactive(on) {
      skipInactive = on;
      root.classList.toggle('td-player--skipping', on);
      controls?.setSkipInactive(on);
    },
    getSkipInactive: () => skipInactive,
    toggleFullscreen() {
      if (doc.fullscreenElement === root) void doc.exitFullscreen?.().catch(() => undefined);
      else void root.requestFullscreen?.().catch(() => undefined);
    },
    getLoadedRange: () => (playback.coverage ? { ...playback.coverage } : null),
    settled: () => playback.settled(),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const timer of [timeout, spinnerTimer, noticeTimer]) win.clearTimeout(timer);
      if (state === 'loading') settleReady(new PlayerError('The player was destroyed before its first frame.'));
      stopTicker();
      if (pendingSeekFrame) win.cancelAnimationFrame(pendingSeekFrame);
      doc.removeEventListener('keydown', onKey);
      doc.removeEventListener('fullscreenchange', onFullscreenChange);
      if (doc.fullscreenElement === root) void doc.exitFullscreen?.().catch(() => undefined);
      controls?.destroy();
      viewport.destroy();
      playback.destroy();
      root.remove();
    },
  };

  // Scrubbing fires many input events; seek at most once per frame.
  const seekSoon = (ms: number): void => {
    pendingSeekMs = ms;
    if (pendingSeekFrame) return;
    pendingSeekFrame = win.requestAnimationFrame(() => {
      pendingSeekFrame = 0;
      player.seek(pendingSeekMs);
    });
  };
  const togglePlay = (): void => (state === 'playing' ? player.pause() : player.play());

  const controls: Controls | null = embed
    ? null
    : createControls(doc, {
        onTogglePlay: togglePlay,
        onSeek: seekSoon,
        onHover: (ms) => playback.prefetch(ms),
        onStep: (delta) => player.seek(player.getCurrentTime() + delta),
        onSpeed: (x) => player.setSpeed(x),
        onSkipInactive: (on) => player.setSkipInactive(on),
        onFullscreen: () => player.toggleFullscreen(),
        onHelp: () => help?.toggle(),
      });
  if (controls) {
    root.append(controls.element);
    controls.setDuration(playback.durationMs);
    controls.setSpeed(speed);
    controls.setTime(clampSeek(options.startAt ?? 0, playback.durationMs), false);
    controls.setMarkers(markers);
    controls.setInactive(inactive);
  }
  player.setSkipInactive(skipInactive);
  root.dataset.state = state;

  const run = (action: ShortcutAction): boolean => {
    const now = player.getCurrentTime();
    switch (action) {
      case 'toggle-play':
        togglePlay();
        break;
      case 'back':
      case 'forward':
        player.seek(now + (action === 'back' ? -KEYBOARD_SEEK_STEP_MS : KEYBOARD_SEEK_STEP_MS));
        break;
      case 'previous-marker':
      case 'next-marker': {
        const marker = action === 'next-marker' ? nextMarker(markers, now) : previousMarker(markers, now);
        if (marker) player.seek(marker.at);
        break;
      }
      case 'slower':
      case 'faster':
        player.setSpeed(stepSpeed(speed, action === 'faster' ? 1 : -1));
        break;
      case 'fullscreen':
        player.toggleFullscreen();
        break;
      case 'help':
        help?.toggle();
        break;
      case 'close':
        if (!help?.isOpen()) return false;
        help.close();
        break;
    }
    return true;
  };

  // Shortcuts work wherever focus is (the session page's panels included) except in fields that
  // use the keys themselves. Space on a focused button plays or pauses rather than clicking it
  // (the default is prevented), so it means the same everywhere.
  function onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || state === 'loading') return;
    if (ownsKeys(event.target, (node) => controls?.owns(node) ?? false)) return;
    const action = shortcutAction(event);
    if (action && run(action)) event.preventDefault();
  }
  function onFullscreenChange(): void {
    const on = doc.fullscreenElement === root;
    root.classList.toggle('td-player--fullscreen', on);
    controls?.setFullscreen(on);
    viewport.fit();
  }
  if (!embed) {
    doc.addEventListener('keydown', onKey);
    doc.addEventListener('fullscreenchange', onFullscreenChange);
  }

  const timeout = win.setTimeout(() => {
    if (state === 'loading') settleReady(new PlayerError('The first frame of the replay was not painted in time.'));
  }, FIRST_FRAME_TIMEOUT_MS);
  void playback
    .settled()
    .then(async () => {
      if (destroyed || !playback.engine) return;
      viewport.fit();
      await afterPaint(win);
      win.clearTimeout(timeout);
      if (destroyed) return settleReady(new PlayerError('The player was destroyed before its first frame.'));
      setState('paused');
      reportTime();
      if (wantsPlay) player.play();
      settleReady();
    })
    .catch((error: unknown) => settleReady(error instanceof Error ? error : new PlayerError(String(error))));
  return player;
}
