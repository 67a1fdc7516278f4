//! `createPlayer`: a framework-free replay component on `@rrweb/replay`'s Replayer.
//! It owns the Replayer, the control bar, scaling the recorded viewport into the
//! container, keyboard shortcuts, and the timing rules of the automation API.

import { Replayer } from '@rrweb/replay';
import { EventType, type eventWithTime } from '@rrweb/types';
import { createControls, type Controls } from './controls.ts';
import { eventAtOffset } from './event-lookup.ts';
import { clampSeek, clampSpeed, KEYBOARD_SEEK_STEP_MS } from './playback-limits.ts';
import { safeLastPlayed } from './last-played.ts';
import { isScriptFreeSandbox } from './sandbox-policy.ts';
import type { Player, PlayerOptions, PlayerState } from './types.ts';
import { createViewport } from './viewport.ts';

/**
 * Styles added to every replay document. In an iframe without `allow-scripts` a `<canvas>`
 * shows its fallback content and loses its size (HTML treats it as script-less), which shifts
 * everything after it; this gives it back its recorded size from the `width`/`height`
 * attributes (typed `attr()`, default 300×150 as for a real canvas); `overflow: hidden` puts
 * it on the text baseline as a replaced element sits. `:where` keeps the specificity at zero,
 * so the page's own canvas sizing still wins; `content-visibility: hidden` hides the fallback
 * content a real canvas would not show. The attributes size a canvas's content box whatever the
 * page's `box-sizing` (resets often set `* { box-sizing: border-box }`), hence `content-box`.
 */
const REPLAY_STYLE_RULES = [
  ':where(canvas) { display: inline-block; box-sizing: content-box !important; overflow: hidden; content-visibility: hidden; width: attr(width px, 300px); height: attr(height px, 150px); }',
] as const;

/** How long the first frame may take before `ready` rejects, in milliseconds. */
const FIRST_FRAME_TIMEOUT_MS = 15_000;

/** A recording the player cannot replay, or a container it cannot use. */
export class PlayerError extends Error {
  override name = 'PlayerError';
}

function nextFrame(win: Window): Promise<void> {
  return new Promise((resolve) => win.requestAnimationFrame(() => resolve()));
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName);
}

/**
 * Mounts a replay of `options.events` inside `container`, which must be attached to
 * the document. Throws `PlayerError` for a recording with fewer than two events or
 * no full snapshot, and if the replay iframe were ever allowed to run scripts.
 */
export function createPlayer(container: HTMLElement, options: PlayerOptions): Player {
  const doc = container.ownerDocument;
  const win = doc.defaultView;
  if (!container.isConnected || !win) throw new PlayerError('The player container must be attached to a document.');
  const events: eventWithTime[] = [...options.events].sort((a, b) => a.timestamp - b.timestamp);
  if (events.length < 2) throw new PlayerError('This recording has too few events to replay.');
  if (!events.some((e) => e.type === EventType.FullSnapshot)) {
    throw new PlayerError('This recording has no full snapshot, so there is nothing to show.');
  }
  const embed = options.embed === true;
  const durationMs = events[events.length - 1].timestamp - events[0].timestamp;

  const root = doc.createElement('div');
  root.className = embed ? 'td-player td-player--embed' : 'td-player';
  const stage = doc.createElement('div');
  stage.className = 'td-player__stage';
  root.append(stage);
  container.append(root);

  let replayer: Replayer;
  try {
    replayer = new Replayer(events, {
      root: stage,
      speed: clampSpeed(options.speed ?? 1),
      skipInactive: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      showWarning: false,
      mouseTail: { duration: 400, lineWidth: 2, strokeStyle: 'rgba(37, 99, 235, 0.45)' },
      insertStyleRules: [...REPLAY_STYLE_RULES],
    });
  } catch (error) {
    root.remove();
    throw new PlayerError(`The recording could not be loaded: ${String(error)}`);
  }
  // Recordings are untrusted input: refuse to go on if the iframe could run scripts.
  if (!isScriptFreeSandbox(replayer.iframe.getAttribute('sandbox'))) {
    replayer.destroy();
    root.remove();
    throw new PlayerError('Refusing to replay: the replay iframe is not sandboxed without scripts.');
  }

  let state: PlayerState = 'loading';
  let speed = clampSpeed(options.speed ?? 1);
  let currentMs = clampSeek(options.startAt ?? 0, durationMs);
  let wantsPlay = options.autoplay === true;
  let ticker = 0;
  let pendingSeekFrame = 0;
  let destroyed = false;

  const viewport = createViewport(stage, replayer.wrapper, embed, events);
  replayer.on('resize', (dimension) => viewport.onResize(dimension));

  const setState = (next: PlayerState): void => {
    if (next === state) return;
    state = next;
    controls?.setPlaying(next === 'playing');
    root.dataset.state = next;
    options.onStateChange?.(next);
  };
  const reportTime = (): void => {
    controls?.setTime(currentMs);
    options.onTimeUpdate?.(currentMs);
  };
  const tick = (): void => {
    ticker = 0;
    if (state !== 'playing') return;
    currentMs = clampSeek(replayer.getCurrentTime(), durationMs);
    reportTime();
    ticker = win.requestAnimationFrame(tick);
  };
  const stopTicker = (): void => {
    if (ticker) win.cancelAnimationFrame(ticker);
    ticker = 0;
  };

  let settleReady: (error?: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (error) => (error ? reject(error) : resolve());
  });
  ready.catch(() => undefined); // callers who never await `ready` must not see unhandled rejections

  // Every play/seek goes through here so rrweb's MouseMove rewind bug cannot re-apply
  // mutations (see last-played.ts). The machine reads this context on its next PLAY.
  const playFrom = (ms: number, paused: boolean): void => {
    const context = replayer.service.state.context;
    context.lastPlayedEvent = safeLastPlayed(context.events, context.lastPlayedEvent);
    if (paused) replayer.pause(ms);
    else replayer.play(ms);
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
      if (state === 'ended' || currentMs >= durationMs) currentMs = 0;
      playFrom(currentMs, false);
      setState('playing');
      stopTicker();
      ticker = win.requestAnimationFrame(tick);
    },
    pause() {
      if (destroyed) return;
      wantsPlay = false;
      if (state !== 'playing') return;
      currentMs = clampSeek(replayer.getCurrentTime(), durationMs);
      replayer.pause();
      stopTicker();
      setState('paused');
      reportTime();
    },
    seek(ms) {
      if (destroyed) return;
      currentMs = clampSeek(ms, durationMs);
      if (state === 'loading') return; // applied when the first frame is built
      if (state === 'playing') playFrom(currentMs, false);
      else {
        playFrom(currentMs, true);
        setState('paused');
      }
      reportTime();
    },
    setSpeed(x) {
      if (destroyed) return;
      speed = clampSpeed(x);
      replayer.setConfig({ speed });
      controls?.setSpeed(speed);
    },
    getCurrentTime() {
      return state === 'playing' ? clampSeek(replayer.getCurrentTime(), durationMs) : currentMs;
    },
    getDuration: () => durationMs,
    getEventAtTime: (ms) => eventAtOffset(events, ms),
    getState: () => state,
    getSpeed: () => speed,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      win.clearTimeout(timeout);
      if (state === 'loading') settleReady(new PlayerError('The player was destroyed before its first frame.'));
      stopTicker();
      if (pendingSeekFrame) win.cancelAnimationFrame(pendingSeekFrame);
      doc.removeEventListener('keydown', onKey);
      viewport.destroy();
      replayer.destroy();
      root.remove();
    },
  };

  // Scrubbing fires many input events; seek at most once per frame.
  const seekSoon = (ms: number): void => {
    currentMs = clampSeek(ms, durationMs);
    if (pendingSeekFrame) return;
    pendingSeekFrame = win.requestAnimationFrame(() => {
      pendingSeekFrame = 0;
      player.seek(currentMs);
    });
  };
  const togglePlay = (): void => (state === 'playing' ? player.pause() : player.play());

  const controls: Controls | null = embed
    ? null
    : createControls(doc, { onTogglePlay: togglePlay, onSeek: seekSoon, onSpeed: (x) => player.setSpeed(x) });
  if (controls) {
    root.append(controls.element);
    controls.setDuration(durationMs);
    controls.setSpeed(speed);
    controls.setTime(currentMs);
  }
  root.dataset.state = state;

  // Shortcuts work when focus is on the page itself or inside the player, never in
  // another field of the host page.
  function onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || state === 'loading') return;
    const target = event.target;
    const inPlayer = target instanceof Node && root.contains(target);
    const onPage = target === doc.body || target === doc.documentElement || target === doc;
    if (!(onPage || inPlayer)) return;
    if (isEditable(target) && !(controls?.owns(target) ?? false)) return;
    if (event.key === ' ' && !(target instanceof HTMLSelectElement)) {
      event.preventDefault();
      togglePlay();
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      if (target instanceof HTMLSelectElement) return;
      event.preventDefault();
      const step = event.key === 'ArrowLeft' ? -KEYBOARD_SEEK_STEP_MS : KEYBOARD_SEEK_STEP_MS;
      player.seek(player.getCurrentTime() + step);
    }
  }
  if (!embed) doc.addEventListener('keydown', onKey);

  replayer.on('finish', () => {
    if (destroyed || state !== 'playing') return;
    stopTicker();
    currentMs = durationMs;
    setState('ended');
    reportTime();
  });

  const timeout = win.setTimeout(() => {
    settleReady(new PlayerError('The first frame of the replay was not painted in time.'));
  }, FIRST_FRAME_TIMEOUT_MS);
  const onFirstBuild = (): void => {
    replayer.off('fullsnapshot-rebuilded', onFirstBuild);
    // This runs inside the Replayer's first rebuild, which scrolls to the snapshot's
    // initial offset right after; seeking here would be undone, so wait a microtask.
    void Promise.resolve()
      .then(() => {
        if (destroyed) return;
        if (currentMs > 0) playFrom(currentMs, true);
        viewport.fit();
      })
      // Two frames: the first lays out the rebuilt document, the second follows its paint.
      .then(() => nextFrame(win))
      .then(() => nextFrame(win))
      .then(() => {
        win.clearTimeout(timeout);
        if (destroyed) return settleReady(new PlayerError('The player was destroyed before its first frame.'));
        setState('paused');
        reportTime();
        if (wantsPlay) player.play();
        settleReady();
      });
  };
  replayer.on('fullsnapshot-rebuilded', onFirstBuild);
  return player;
}
