/**
 * Starts and stops network and console capture for the recorder, on the page's globals, from
 * the resolved `captureNetwork` / `captureConsole` options. All capture events go through one
 * rate limit (`CAPTURE_MAX_EVENTS_PER_SECOND`); what it drops is counted in a
 * `tapedeck.capture_dropped` event once the next second starts.
 */

import { CAPTURE_MAX_EVENTS_PER_SECOND, type ConsoleCaptureOptions, type NetworkCaptureOptions } from '../config';
import { listenForErrors, patchConsole, resolveConsoleCapture } from './console';
import { resolveNetworkCapture, wrapFetch, type NetworkContext } from './network';
import { patchXhr } from './xhr';

/** Custom event tags of captured activity. */
export const EVENT_NETWORK = 'tapedeck.network';
export const EVENT_CONSOLE = 'tapedeck.console';
export const EVENT_ERROR = 'tapedeck.error';
export const EVENT_CAPTURE_DROPPED = 'tapedeck.capture_dropped';

export interface CaptureSettings {
  endpoint: string;
  captureNetwork: boolean | NetworkCaptureOptions;
  captureConsole: boolean | ConsoleCaptureOptions;
}

export type CaptureEmit = (tag: string, payload: object) => void;

/** Lets at most `maxPerWindow` events through per `windowMs`, and counts the others. */
export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;
  private dropped = 0;

  constructor(
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Returns whether an event may pass, and how many were dropped in the window that just ended. */
  take(): { allowed: boolean; droppedBefore: number } {
    const now = this.now();
    let droppedBefore = 0;
    if (now - this.windowStart >= this.windowMs) {
      droppedBefore = this.dropped;
      this.windowStart = now;
      this.count = 0;
      this.dropped = 0;
    }
    if (this.count >= this.maxPerWindow) {
      this.dropped += 1;
      return { allowed: false, droppedBefore };
    }
    this.count += 1;
    return { allowed: true, droppedBefore };
  }
}

/** Starts the capture the settings ask for; returns the function that stops all of it. */
export function startCapture(settings: CaptureSettings, emit: CaptureEmit): () => void {
  const network = resolveNetworkCapture(settings.captureNetwork);
  const consoleConfig = resolveConsoleCapture(settings.captureConsole);
  if (network === null && consoleConfig === null) return () => undefined;

  const limiter = new RateLimiter(CAPTURE_MAX_EVENTS_PER_SECOND, 1_000, () => Date.now());
  const limited: CaptureEmit = (tag, payload) => {
    try {
      const { allowed, droppedBefore } = limiter.take();
      if (droppedBefore > 0) emit(EVENT_CAPTURE_DROPPED, { count: droppedBefore });
      if (allowed) emit(tag, payload);
    } catch {
      // Capture problems never reach the page.
    }
  };

  const stops: Array<() => void> = [];
  let active = true;
  if (network !== null) {
    const ctx: NetworkContext = {
      config: network,
      endpoint: settings.endpoint,
      baseUrl: () => location.href,
      now: () => Date.now(),
      active: () => active,
      emit: (event) => limited(EVENT_NETWORK, event),
    };
    if (typeof window.fetch === 'function') {
      const original = window.fetch;
      const wrapper = wrapFetch(original, ctx);
      window.fetch = wrapper;
      stops.push(() => {
        if (window.fetch === wrapper) window.fetch = original;
      });
    }
    if (typeof XMLHttpRequest === 'function') stops.push(patchXhr(XMLHttpRequest.prototype, ctx));
  }
  if (consoleConfig !== null) {
    stops.push(patchConsole(console, consoleConfig.levels, (event) => limited(EVENT_CONSOLE, event)));
    stops.push(listenForErrors(window, (event) => limited(EVENT_ERROR, event)));
  }
  return () => {
    active = false;
    for (const stop of stops.reverse()) {
      try {
        stop();
      } catch {
        // Keep stopping the others.
      }
    }
  };
}
