/**
 * The `Recorder` class, Tapedeck's SessionRecordingAPI (SPEC §4): runs rrweb, feeds the batcher,
 * hands sealed batches to the transport, and reacts to page lifecycle events. Every public method
 * catches its own errors and logs them with a `[tapedeck]` prefix: nothing throws into the page.
 */

import { record } from '@rrweb/record';
import type { eventWithTime } from '@rrweb/types';
import { Batcher, encodeBatch, type BatchMeta, type SealedEvents } from './batcher';
import {
  FULL_SNAPSHOT_INTERVAL_MS,
  OptionsError,
  SDK_NAME,
  UNLOAD_BUDGET_BYTES,
  cleanTags,
  cleanUser,
  parsePrivacyLevel,
  resolveOptions,
  type PrivacyLevel,
  type ResolvedOptions,
  type Tags,
  type TapedeckOptions,
  type UserInfo,
} from './config';
import { browserSessionStorage, browserTransportEnvironment, isValidSelector, warn } from './environment';
import { defaultFillRandom } from './ids';
import { privacyRecordOptions } from './privacy';
import { SessionStore } from './session';
import { Transport } from './transport';

/** rrweb event types that open a snapshot (Meta, then FullSnapshot). */
const EVENT_TYPE_FULL_SNAPSHOT = 2;
const EVENT_TYPE_META = 4;

/** Custom event tags the recorder itself adds to recordings. */
export const MARKER_PAUSED = 'tapedeck.paused';
export const MARKER_RESUMED = 'tapedeck.resumed';
export const MARKER_PRIVACY = 'tapedeck.privacy';

export interface ReplayUrlOptions {
  /** Adds `?t=MS`, the time since the session's first event, so the player opens there. */
  atCurrentTime?: boolean;
}

type RecordingState = 'idle' | 'recording' | 'paused';

/** rrweb keeps one recording per page; this is the recorder that owns it. */
let activeRecorder: Recorder | null = null;

export class Recorder {
  private readonly options: ResolvedOptions;
  /** Why this recorder cannot record (bad options), or `null`. */
  private readonly disabledReason: string | null = null;
  private readonly store: SessionStore;
  private readonly batcher = new Batcher();
  private readonly transport: Transport;
  private state: RecordingState = 'idle';
  private stopRrweb: (() => void) | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last `setConsent` answer, `null` before any. */
  private consent: boolean | null = null;
  /** `startRecording` was asked for while consent was still missing. */
  private startWhenConsented = false;
  private experiments: Record<string, string> = {};
  private ticket: { ref: string; url?: string } | null = null;

  constructor(options: TapedeckOptions) {
    let resolved: ResolvedOptions;
    try {
      resolved = resolveOptions(options);
    } catch (error) {
      this.disabledReason = error instanceof OptionsError ? error.message : String(error);
      warn(`[tapedeck] not recording: ${this.disabledReason}`);
      resolved = resolveOptions({ endpoint: 'http://invalid', projectKey: '-' });
    }
    this.options = resolved;
    this.store = new SessionStore(browserSessionStorage(), defaultFillRandom);
    this.transport = new Transport(
      {
        endpoint: resolved.endpoint,
        projectKey: resolved.projectKey,
        onRejected: (status) => this.onRejected(status),
      },
      browserTransportEnvironment(),
    );
    this.bindLifecycle();
  }

  /** Starts recording (a full snapshot first); does nothing if already recording. */
  startRecording(): void {
    this.guard('startRecording', undefined, () => {
      // The constructor has already said why.
      if (this.disabledReason !== null) return;
      if (this.consent === false || (this.options.requireConsent && this.consent !== true)) {
        this.startWhenConsented = true;
        return;
      }
      if (this.state === 'recording') return;
      this.state = 'recording';
      if (!this.startRrweb()) this.state = 'idle';
    });
  }

  /** Stops recording, sends everything pending, and resolves the session id. */
  stopRecording(): Promise<string> {
    return this.guardAsync('stopRecording', '', async () => {
      this.startWhenConsented = false;
      this.stopRrwebNow();
      this.state = 'idle';
      await this.flush();
      return this.getSessionId();
    });
  }

  /** Stops capturing until `resumeRecording`, leaving a marker in the recording. */
  pauseRecording(): void {
    this.guard('pauseRecording', undefined, () => {
      if (this.state !== 'recording') return;
      record.addCustomEvent(MARKER_PAUSED, {});
      this.stopRrwebNow();
      this.state = 'paused';
    });
  }

  /** Resumes after `pauseRecording` with a new full snapshot. */
  resumeRecording(): void {
    this.guard('resumeRecording', undefined, () => {
      if (this.state !== 'paused') return;
      this.state = 'recording';
      if (this.startRrweb()) record.addCustomEvent(MARKER_RESUMED, {});
      else this.state = 'idle';
    });
  }

  /** Adds a custom event (rrweb type 5) with `name` as its tag; ignored while not recording. */
  addCustomEvent(name: string, payload?: unknown): void {
    this.guard('addCustomEvent', undefined, () => {
      if (this.state !== 'recording') return;
      record.addCustomEvent(String(name), payload === undefined ? {} : payload);
    });
  }

  /** Sets `meta.user` of the following batches. Traits keep `email` and `name`. */
  identify(userId: string, traits?: { email?: string; name?: string }): void {
    this.guard('identify', undefined, () => {
      this.options.user = { ...cleanUser(traits), ...cleanUser({ id: userId }) };
    });
  }

  /** Merges `tags` into `meta.tags` of the following batches. */
  setTags(tags: Tags): void {
    this.guard('setTags', undefined, () => {
      this.options.tags = { ...this.options.tags, ...cleanTags(tags) };
    });
  }

  /** Records that this session sees `variant` of experiment `name` (`meta.experiments`). */
  setExperiment(name: string, variant: string): void {
    this.guard('setExperiment', undefined, () => {
      this.experiments = { ...this.experiments, [String(name)]: String(variant) };
    });
  }

  /** Links this session to a support ticket (`meta.ticket`, `meta.ticket_url`). */
  linkTicket(ref: string, url?: string): void {
    this.guard('linkTicket', undefined, () => {
      this.ticket = url === undefined ? { ref: String(ref) } : { ref: String(ref), url: String(url) };
    });
  }

  /** Changes the masking level; a running recording restarts with a new full snapshot. */
  setPrivacyLevel(level: PrivacyLevel): void {
    this.guard('setPrivacyLevel', undefined, () => {
      const parsed = parsePrivacyLevel(level);
      if (parsed === undefined) {
        warn(`[tapedeck] unknown privacy level ${String(level)}; keeping ${this.options.privacy}`);
        return;
      }
      if (parsed === this.options.privacy) return;
      this.options.privacy = parsed;
      if (this.state !== 'recording') return;
      this.stopRrwebNow();
      if (this.startRrweb()) record.addCustomEvent(MARKER_PRIVACY, { level: parsed });
      else this.state = 'idle';
    });
  }

  /**
   * Grants or withdraws consent. With `requireConsent`, granting starts recording (if `autoStart`
   * or `startRecording` asked for it); withdrawing stops it and drops everything not yet sent.
   */
  setConsent(granted: boolean): void {
    this.guard('setConsent', undefined, () => {
      this.consent = granted === true;
      if (this.consent) {
        if (this.startWhenConsented) this.startRecording();
        return;
      }
      this.startWhenConsented = this.state !== 'idle' || this.startWhenConsented;
      this.stopRrwebNow();
      this.state = 'idle';
      this.clearFlushTimer();
      this.batcher.clear();
      this.transport.discard();
    });
  }

  /** Returns the current session id (kept across reloads of this tab). */
  getSessionId(): string {
    return this.guard('getSessionId', '', () => this.store.current(Date.now()).id);
  }

  /** Returns the URL of this session's replay, optionally at the current moment. */
  getReplayUrl(options: ReplayUrlOptions = {}): string {
    return this.guard('getReplayUrl', '', () => {
      const now = Date.now();
      const session = this.store.current(now);
      const url = `${this.options.endpoint}/sessions/${encodeURIComponent(session.id)}`;
      if (options.atCurrentTime !== true) return url;
      const first = session.firstEventAt ?? now;
      return `${url}?t=${Math.max(0, now - first)}`;
    });
  }

  /** Seals the waiting events and sends every queued batch now. */
  flush(): Promise<void> {
    return this.guardAsync('flush', undefined, async () => {
      this.sealPending();
      await this.transport.flush();
    });
  }

  /** Starts rrweb; returns false if it could not start. */
  private startRrweb(): boolean {
    if (activeRecorder !== null && activeRecorder !== this) {
      warn('[tapedeck] another Tapedeck recorder is already recording this page');
      return false;
    }
    this.store.resolve(Date.now());
    const stop = record<eventWithTime>({
      emit: (event) => this.onEvent(event),
      checkoutEveryNms: FULL_SNAPSHOT_INTERVAL_MS,
      errorHandler: (error) => {
        warn('[tapedeck] recording error', error);
        return true;
      },
      ...privacyRecordOptions(this.options.privacy, {
        maskSelectors: this.options.maskSelectors.filter(isValidSelector),
        blockSelectors: this.options.blockSelectors.filter(isValidSelector),
        ignoreSelectors: this.options.ignoreSelectors.filter(isValidSelector),
      }),
    });
    if (stop === undefined) {
      warn('[tapedeck] rrweb could not start recording');
      return false;
    }
    this.stopRrweb = stop;
    activeRecorder = this;
    return true;
  }

  private stopRrwebNow(): void {
    const stop = this.stopRrweb;
    this.stopRrweb = null;
    if (activeRecorder === this) activeRecorder = null;
    if (stop !== null) stop();
  }

  /** rrweb's emit callback. */
  private onEvent(event: eventWithTime): void {
    try {
      const now = Date.now();
      if (this.store.needsNewSession(now)) {
        // The waiting events belong to the ending session: they go out under its id.
        this.sealPending();
        this.store.resolve(now);
        if (event.type !== EVENT_TYPE_META && event.type !== EVENT_TYPE_FULL_SNAPSHOT) {
          // A new session must open with a full snapshot. The event that woke the session refers
          // to node ids the snapshot renumbers, so it is dropped; the snapshot shows its effect.
          record.takeFullSnapshot();
          return;
        }
      }
      this.store.recordActivity(now);
      for (const sealed of this.batcher.add(JSON.stringify(event), now)) this.send(sealed, true);
      this.scheduleFlush();
    } catch (error) {
      warn('[tapedeck] could not record an event', error);
    }
  }

  private send(sealed: SealedEvents, startSending: boolean): void {
    const { sessionId, seq } = this.store.allocateSeq(Date.now());
    const body = encodeBatch(
      { session_id: sessionId, window_id: this.store.windowId, seq, meta: this.meta() },
      sealed.events,
    );
    this.transport.enqueue({ seq, body }, startSending);
  }

  private sealPending(): void {
    this.clearFlushTimer();
    const sealed = this.batcher.seal();
    if (sealed !== null) this.send(sealed, true);
  }

  private meta(): BatchMeta {
    const meta: BatchMeta = {
      user: this.options.user,
      url: location.href,
      referrer: document.referrer,
      user_agent: navigator.userAgent,
      viewport: { width: window.innerWidth, height: window.innerHeight },
      sdk: SDK_NAME,
      tags: this.options.tags,
    };
    if (Object.keys(this.experiments).length > 0) meta.experiments = this.experiments;
    if (this.ticket !== null) {
      meta.ticket = this.ticket.ref;
      if (this.ticket.url !== undefined) meta.ticket_url = this.ticket.url;
    }
    return meta;
  }

  private scheduleFlush(): void {
    const dueAt = this.batcher.dueAt();
    if (this.flushTimer !== null || dueAt === null) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = null;
        this.guard('flush', undefined, () => this.sealPending());
      },
      Math.max(0, dueAt - Date.now()),
    );
  }

  private clearFlushTimer(): void {
    if (this.flushTimer === null) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  /** Sends what can be sent while the page is hidden or going away. */
  private sendBeforeLeaving(): void {
    this.clearFlushTimer();
    for (const piece of this.batcher.sealInPieces(UNLOAD_BUDGET_BYTES)) this.send(piece, false);
    this.store.persist();
    this.transport.sendForUnload();
  }

  private bindLifecycle(): void {
    if (typeof window === 'undefined' || typeof document === 'undefined') return;
    window.addEventListener('pagehide', () =>
      this.guard('pagehide', undefined, () => {
        this.sendBeforeLeaving();
        this.store.markWindowClosed();
      }),
    );
    window.addEventListener('pageshow', (event) =>
      this.guard('pageshow', undefined, () => {
        if (!event.persisted) return;
        // Restored from the back/forward cache: another page of this tab may have used the
        // window since, so the stream restarts from a full snapshot under the stored session.
        this.store.markWindowOpen();
        this.store.reload();
        if (this.state === 'recording') record.takeFullSnapshot();
      }),
    );
    document.addEventListener('visibilitychange', () =>
      this.guard('visibilitychange', undefined, () => {
        if (document.visibilityState === 'hidden') this.sendBeforeLeaving();
      }),
    );
    window.addEventListener('online', () => void this.flush());
  }

  private onRejected(status: number): void {
    // A missing or unknown key, or a refused origin, will refuse every batch that follows.
    if (status !== 401 && status !== 403) return;
    warn(`[tapedeck] the server refuses this project or origin (HTTP ${status}); recording stops`);
    this.stopRrwebNow();
    this.state = 'idle';
    this.clearFlushTimer();
    this.batcher.clear();
    this.transport.discard();
  }

  /** Runs `body`, logging and returning `fallback` instead of throwing. */
  private guard<T>(name: string, fallback: T, body: () => T): T {
    try {
      return body();
    } catch (error) {
      warn(`[tapedeck] ${name} failed`, error);
      return fallback;
    }
  }

  private async guardAsync<T>(name: string, fallback: T, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      warn(`[tapedeck] ${name} failed`, error);
      return fallback;
    }
  }
}

/** Creates a recorder and, unless `autoStart: false` or consent is pending, starts it. */
export function init(options: TapedeckOptions): Recorder {
  const recorder = new Recorder(options);
  const autoStart = typeof options !== 'object' || options === null || options.autoStart !== false;
  if (autoStart) recorder.startRecording();
  return recorder;
}

export type { PrivacyLevel, Tags, TapedeckOptions, UserInfo };
