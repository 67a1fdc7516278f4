/**
 * The `Recorder` class, Tapedeck's SessionRecordingAPI (SPEC §4): runs rrweb, feeds the batcher,
 * hands sealed batches to the transport, and reacts to page lifecycle events. Every public method
 * catches its own errors and logs them with a `[tapedeck]` prefix: nothing throws into the page.
 */

import { record } from '@rrweb/record';
import type { eventWithTime } from '@rrweb/types';
import { Batcher, encodeBatch, type BatchMeta, type SealedEvents } from './batcher';
import { startCapture } from './capture/capture';
import { BudgetGuard } from './budget-guard';
import {
  EXCLUDED_RESUME_DELAY_MS,
  FULL_SNAPSHOT_INTERVAL_MS,
  MUTATION_BUDGET_PER_SECOND,
  OptionsError,
  REMOTE_CONFIG_WAIT_MS,
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
import {
  browserRemoteConfigEnvironment,
  browserSessionStorage,
  browserTransportEnvironment,
  isValidSelector,
  warn,
} from './environment';
import { defaultFillRandom } from './ids';
import { serializeEvent } from './chunker';
import { browserBatchStore } from './idb-batch-store';
import { watchNavigation } from './navigation';
import { privacyRecordOptions } from './privacy';
import { RemoteConfigLoader, mergeRemoteConfig, type RemoteConfig } from './remote-config';
import { SamplingStore } from './sampling';
import { SessionStore } from './session';
import { Transport } from './transport';
import { UrlRules } from './url-rules';

/** rrweb event types that open a snapshot (Meta, then FullSnapshot). */
const EVENT_TYPE_FULL_SNAPSHOT = 2;
const EVENT_TYPE_META = 4;

/** Custom event tags the recorder itself adds to recordings. */
export const MARKER_PAUSED = 'tapedeck.paused';
export const MARKER_RESUMED = 'tapedeck.resumed';
export const MARKER_PRIVACY = 'tapedeck.privacy';
/** Recording stopped because the page navigated to an excluded URL (the URL is not recorded). */
export const MARKER_EXCLUDED = 'tapedeck.excluded';
/** The DOM budget guard paused recording; the payload has the measured rate. */
export const MARKER_BUDGET_PAUSED = 'tapedeck.budget_paused';
/** The page has been quiet again: recording resumed on a fresh full snapshot. */
export const MARKER_BUDGET_RESUMED = 'tapedeck.budget_resumed';

export interface ReplayUrlOptions {
  /** Adds `?t=MS`, the time since the session's first event, so the player opens there. */
  atCurrentTime?: boolean;
}

type RecordingState = 'idle' | 'recording' | 'paused';

/** Why rrweb is stopped while the recording is on: an excluded URL, or the DOM budget guard. */
type Suspension = 'excluded' | 'budget' | null;

/** rrweb keeps one recording per page; this is the recorder that owns it. */
let activeRecorder: Recorder | null = null;

export class Recorder {
  private readonly options: ResolvedOptions;
  /** The options as given in code; they win over the remote config. */
  private codeOptions: TapedeckOptions;
  /** Why this recorder cannot record (bad options), or `null`. */
  private readonly disabledReason: string | null = null;
  private readonly store: SessionStore;
  /** The project's settings as last received (`null` before any). */
  private remote: RemoteConfig | null = null;
  private readonly batcher = new Batcher();
  private readonly transport: Transport;
  private state: RecordingState = 'idle';
  private stopRrweb: (() => void) | null = null;
  /** Stops network/console capture (src/capture/), running alongside rrweb. */
  private stopCapture: (() => void) | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last `setConsent` answer, `null` before any. */
  private consent: boolean | null = null;
  /** `startRecording` was asked for while consent was still missing. */
  private startWhenConsented = false;
  private experiments: Record<string, string> = {};
  private ticket: { ref: string; url?: string } | null = null;
  /** Loads `/api/v1/recorder-config`; `null` when disabled. */
  private configLoader: RemoteConfigLoader | null = null;
  /** The remote config is applied (or was not waited for any longer): recording may start. */
  private configReady = true;
  private configLoading = false;
  /** `startRecording` was asked for while the remote config was still loading. */
  private startWhenConfigured = false;
  private readonly sampling: SamplingStore;
  private urlRules: UrlRules;
  /** The last page URL that is not excluded: `meta.url` while the page is on an excluded one. */
  private lastAllowedUrl = '';
  private suspended: Suspension = null;
  private stopNavigation: (() => void) | null = null;
  private excludedResumeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Counts rrweb starts and stops; events of an rrweb run that was stopped are ignored. */
  private generation = 0;
  private readonly budgetGuard = new BudgetGuard({
    onOverload: (rate) => this.guard('budget guard', undefined, () => this.onOverload(rate)),
    onQuiet: () => this.guard('budget guard', undefined, () => this.onQuiet()),
  });

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
    this.codeOptions = typeof options === 'object' && options !== null ? { ...options } : resolved;
    const sessionStorage = browserSessionStorage();
    this.store = new SessionStore(sessionStorage, defaultFillRandom);
    this.sampling = new SamplingStore(sessionStorage, Math.random);
    this.urlRules = new UrlRules(resolved.excludeUrls);
    if (this.disabledReason === null && resolved.remoteConfig) {
      this.configLoader = new RemoteConfigLoader(browserRemoteConfigEnvironment(), resolved.endpoint, resolved.projectKey);
      // A fresh cached config applies at once; a stale one until the server answers.
      const cached = this.configLoader.cached();
      if (cached !== null && cached.config !== null) this.applyRemoteConfig(cached.config);
      this.configReady = cached !== null && cached.fresh;
    }
    this.transport = new Transport(
      {
        endpoint: resolved.endpoint,
        projectKey: resolved.projectKey,
        onRejected: (status) => this.onRejected(status),
        // Batches wait in IndexedDB until acknowledged; a reload of this tab takes its own back.
        store: browserBatchStore(),
        ownerId: this.store.windowId,
      },
      { ...browserTransportEnvironment(), isOnline: () => navigator.onLine !== false },
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
      if (!this.configReady) {
        // Nothing has been sent before consent: the config request waits for it too.
        this.startWhenConfigured = true;
        this.loadRemoteConfig();
        return;
      }
      const now = Date.now();
      const { session } = this.store.resolve(now);
      if (!this.sampling.isSampled(session.id, this.options.sampleRate, session.previousSessionId)) {
        // Page loads keep a session that is not sampled alive, so it is not drawn again soon.
        this.store.recordActivity(now);
        return;
      }
      this.state = 'recording';
      // Batches an earlier page left unacknowledged in IndexedDB go first.
      void this.transport.recoverLeftovers();
      this.watchUrl();
      if (this.urlRules.matches(location.href)) {
        this.suspended = 'excluded';
        return;
      }
      this.lastAllowedUrl = location.href;
      if (!this.startRrweb()) this.stopControls();
    });
  }

  /** Stops recording, sends everything pending, and resolves the session id. */
  stopRecording(): Promise<string> {
    return this.guardAsync('stopRecording', '', async () => {
      this.startWhenConsented = false;
      this.startWhenConfigured = false;
      this.stopRrwebNow();
      this.stopControls();
      // The last batch says so, and the server compacts the session without waiting for idle.
      this.sealPending({ stopped: true });
      await this.flush();
      return this.getSessionId();
    });
  }

  /** Stops capturing until `resumeRecording`, leaving a marker in the recording. */
  pauseRecording(): void {
    this.guard('pauseRecording', undefined, () => {
      if (this.state !== 'recording') return;
      this.addMarker(MARKER_PAUSED, {});
      this.stopRrwebNow();
      this.budgetGuard.stopWatching();
      this.suspended = null;
      this.state = 'paused';
    });
  }

  /** Resumes after `pauseRecording` with a new full snapshot. */
  resumeRecording(): void {
    this.guard('resumeRecording', undefined, () => {
      if (this.state !== 'paused') return;
      this.state = 'recording';
      if (this.urlRules.matches(location.href)) {
        this.suspended = 'excluded';
        return;
      }
      if (this.startRrweb()) record.addCustomEvent(MARKER_RESUMED, {});
      else this.stopControls();
    });
  }

  /** Adds a custom event (rrweb type 5) with `name` as its tag; ignored while not recording. */
  addCustomEvent(name: string, payload?: unknown): void {
    this.guard('addCustomEvent', undefined, () => {
      if (this.state !== 'recording' || this.suspended !== null) return;
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
      // A level set in code counts as an option given to `init`: the project's level stays a floor.
      this.codeOptions = { ...this.codeOptions, privacy: parsed };
      const effective =
        this.remote === null ? parsed : (mergeRemoteConfig(this.codeOptions, this.remote).privacy ?? parsed);
      if (effective !== parsed) warn(`[tapedeck] the project requires privacy ${effective}; recording at ${effective}`);
      if (effective === this.options.privacy) return;
      this.options.privacy = effective;
      if (this.state !== 'recording' || this.suspended !== null) return;
      this.stopRrwebNow();
      if (this.startRrweb()) record.addCustomEvent(MARKER_PRIVACY, { level: effective });
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
      this.startWhenConsented = this.state !== 'idle' || this.startWhenConsented || this.startWhenConfigured;
      this.startWhenConfigured = false;
      this.stopRrwebNow();
      this.stopControls();
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
    this.budgetGuard.startCounting();
    this.generation += 1;
    const generation = this.generation;
    const stop = record<eventWithTime>({
      emit: (event) => {
        if (generation === this.generation) this.onEvent(event);
      },
      checkoutEveryNms: FULL_SNAPSHOT_INTERVAL_MS,
      errorHandler: (error) => {
        warn('[tapedeck] recording error', error);
        return true;
      },
      ...privacyRecordOptions(this.options.privacy, {
        maskSelectors: this.options.maskSelectors.filter(isValidSelector),
        blockSelectors: this.options.blockSelectors.filter(isValidSelector),
        ignoreSelectors: this.options.ignoreSelectors.filter(isValidSelector),
        unmaskSelectors: this.options.unmaskSelectors.filter(isValidSelector),
        recordCanvas: this.options.recordCanvas,
      }),
    });
    if (stop === undefined) {
      warn('[tapedeck] rrweb could not start recording');
      return false;
    }
    this.stopRrweb = stop;
    activeRecorder = this;
    try {
      this.stopCapture = startCapture(this.options, (tag, payload) => this.addCustomEvent(tag, payload));
    } catch (error) {
      warn('[tapedeck] network/console capture could not start', error);
    }
    return true;
  }

  private stopRrwebNow(): void {
    const stopCapture = this.stopCapture;
    this.stopCapture = null;
    if (stopCapture !== null) stopCapture();
    const stop = this.stopRrweb;
    this.stopRrweb = null;
    this.generation += 1;
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
        const { session } = this.store.resolve(now);
        if (!this.sampling.isSampled(session.id, this.options.sampleRate, session.previousSessionId)) {
          this.stopRrwebNow();
          this.stopControls();
          return;
        }
        if (event.type !== EVENT_TYPE_META && event.type !== EVENT_TYPE_FULL_SNAPSHOT) {
          // A new session must open with a full snapshot. The event that woke the session refers
          // to node ids the snapshot renumbers, so it is dropped; the snapshot shows its effect.
          record.takeFullSnapshot();
          return;
        }
      }
      this.store.recordActivity(now);
      this.budgetGuard.countEvent(event);
      // An event too large for one batch goes as chunks, one per batch (src/chunker.ts).
      for (const sealed of this.batcher.addPieces(serializeEvent(event, defaultFillRandom), now)) this.send(sealed, true);
      this.scheduleFlush();
    } catch (error) {
      warn('[tapedeck] could not record an event', error);
    }
  }

  private send(sealed: SealedEvents, startSending: boolean, extra: Partial<BatchMeta> = {}): void {
    const { sessionId, seq } = this.store.allocateSeq(Date.now());
    const meta = { ...this.metaWithDrops(), ...extra };
    const body = encodeBatch(
      { session_id: sessionId, window_id: this.store.windowId, seq, meta },
      sealed.events,
    );
    this.transport.enqueue({ seq, body }, startSending);
  }

  /** Sends the waiting events as a batch now; `extra` goes into its meta. */
  private sealPending(extra: Partial<BatchMeta> = {}): void {
    this.clearFlushTimer();
    const sealed = this.batcher.seal();
    if (sealed !== null) this.send(sealed, true, extra);
  }

  /** `meta()` plus the batches the transport dropped since the last batch, if any. */
  private metaWithDrops(): BatchMeta {
    const meta = this.meta();
    const dropped = this.transport.takeDroppedBatches();
    if (dropped > 0) meta.dropped_batches = dropped;
    return meta;
  }

  private meta(): BatchMeta {
    const meta: BatchMeta = {
      user: this.options.user,
      // Events recorded before a navigation to an excluded URL go out under the last allowed one.
      url: this.urlRules.matches(location.href) ? this.lastAllowedUrl : location.href,
      referrer: document.referrer,
      user_agent: navigator.userAgent,
      viewport: { width: window.innerWidth, height: window.innerHeight },
      sdk: SDK_NAME,
      tags: this.options.tags,
    };
    const previousSessionId = this.store.current(Date.now()).previousSessionId;
    if (previousSessionId !== null) meta.previous_session_id = previousSessionId;
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
        if (this.state === 'recording' && this.suspended === null) record.takeFullSnapshot();
      }),
    );
    document.addEventListener('visibilitychange', () =>
      this.guard('visibilitychange', undefined, () => {
        if (document.visibilityState === 'hidden') this.sendBeforeLeaving();
      }),
    );
    window.addEventListener('online', () => {
      // Not before consent (or while not recording): leftovers go when recording starts.
      if (this.state === 'idle') return;
      void this.transport.recoverLeftovers();
      void this.flush();
    });
  }

  private onRejected(status: number): void {
    // A missing or unknown key, or a refused origin, will refuse every batch that follows.
    if (status !== 401 && status !== 403) return;
    warn(`[tapedeck] the server refuses this project or origin (HTTP ${status}); recording stops`);
    this.stopRrwebNow();
    this.stopControls();
    this.clearFlushTimer();
    this.batcher.clear();
    this.transport.discard();
  }

  /**
   * Loads the remote config, waiting at most `REMOTE_CONFIG_WAIT_MS`, then starts recording if
   * asked to meanwhile. An answer arriving later is cached for the next page load.
   */
  private loadRemoteConfig(): void {
    if (this.configLoading || this.configLoader === null) return;
    this.configLoading = true;
    void this.configLoader.load(REMOTE_CONFIG_WAIT_MS).then(({ config }) =>
      this.guard('remote config', undefined, () => {
        this.configLoading = false;
        this.configReady = true;
        if (config !== null) this.applyRemoteConfig(config);
        if (!this.startWhenConfigured) return;
        this.startWhenConfigured = false;
        this.startRecording();
      }),
    );
  }

  /** Takes the remotely settable options from `remote` where the code did not give them. */
  private applyRemoteConfig(remote: RemoteConfig): void {
    this.remote = remote;
    let merged: ResolvedOptions;
    try {
      merged = resolveOptions(mergeRemoteConfig(this.codeOptions, remote));
    } catch (error) {
      warn('[tapedeck] ignoring the remote config', error);
      return;
    }
    const options = this.options;
    options.privacy = merged.privacy;
    options.maskSelectors = merged.maskSelectors;
    options.blockSelectors = merged.blockSelectors;
    options.ignoreSelectors = merged.ignoreSelectors;
    options.excludeUrls = merged.excludeUrls;
    options.sampleRate = merged.sampleRate;
    options.captureNetwork = merged.captureNetwork;
    options.captureConsole = merged.captureConsole;
    this.urlRules = new UrlRules(merged.excludeUrls);
  }

  /** Watches SPA navigations while recording, when some URLs are excluded. */
  private watchUrl(): void {
    if (this.stopNavigation !== null || this.urlRules.empty || typeof window === 'undefined') return;
    this.stopNavigation = watchNavigation(window, (url) =>
      this.guard('navigation', undefined, () => this.onUrlChange(url)),
    );
  }

  /** Stops capturing on an excluded URL (no event of it is kept); resumes when leaving it. */
  private onUrlChange(url: string): void {
    if (this.state !== 'recording') return;
    const excluded = this.urlRules.matches(url);
    if (!excluded) this.lastAllowedUrl = url;
    if (excluded && this.excludedResumeTimer !== null) {
      clearTimeout(this.excludedResumeTimer);
      this.excludedResumeTimer = null;
    }
    if (excluded && this.suspended !== 'excluded') {
      this.addMarker(MARKER_EXCLUDED, {});
      // Stopping here, in the navigation's own task, drops the DOM changes of the new route
      // that rrweb has not delivered yet; a stopped run's later events are ignored.
      this.stopRrwebNow();
      this.budgetGuard.stopWatching();
      this.suspended = 'excluded';
      this.sealPending();
    } else if (!excluded && this.suspended === 'excluded' && this.excludedResumeTimer === null) {
      // The excluded page's DOM is still in place when the URL changes; the app renders the new
      // route after. The full snapshot waits for that, so it never shows the excluded page.
      this.excludedResumeTimer = setTimeout(() => {
        this.excludedResumeTimer = null;
        this.guard('navigation', undefined, () => {
          if (this.state !== 'recording' || this.suspended !== 'excluded') return;
          if (this.urlRules.matches(location.href)) return;
          this.suspended = null;
          if (!this.startRrweb()) this.stopControls();
        });
      }, EXCLUDED_RESUME_DELAY_MS);
    }
  }

  /** The budget guard saw the page overloaded: pause with a marker, watch for quiet. */
  private onOverload(ratePerSecond: number): void {
    if (this.state !== 'recording' || this.suspended !== null || this.stopRrweb === null) return;
    warn(`[tapedeck] the page changes the DOM ${ratePerSecond} times a second; recording pauses until it calms down`);
    this.addMarker(MARKER_BUDGET_PAUSED, {
      mutations_per_second: ratePerSecond,
      budget_per_second: MUTATION_BUDGET_PER_SECOND,
    });
    this.stopRrwebNow();
    this.suspended = 'budget';
    this.budgetGuard.watchForQuiet();
  }

  /** The page is quiet again after a budget pause: resume on a fresh full snapshot. */
  private onQuiet(): void {
    if (this.state !== 'recording' || this.suspended !== 'budget') return;
    this.suspended = null;
    if (this.startRrweb()) this.addMarker(MARKER_BUDGET_RESUMED, {});
    else this.stopControls();
  }

  /** Adds a marker custom event if rrweb is running; a marker never fails the caller. */
  private addMarker(tag: string, payload: Record<string, unknown>): void {
    if (this.stopRrweb === null) return;
    try {
      record.addCustomEvent(tag, payload);
    } catch (error) {
      warn(`[tapedeck] could not add the ${tag} marker`, error);
    }
  }

  /** Ends the recording's controls: navigation watching, the budget guard, suspensions. */
  private stopControls(): void {
    this.state = 'idle';
    this.suspended = null;
    this.budgetGuard.stopWatching();
    if (this.excludedResumeTimer !== null) clearTimeout(this.excludedResumeTimer);
    this.excludedResumeTimer = null;
    if (this.stopNavigation !== null) this.stopNavigation();
    this.stopNavigation = null;
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
