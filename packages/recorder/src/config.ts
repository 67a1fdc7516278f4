/**
 * Recorder options, their normalisation, and every limit of the SDK as a named constant with its
 * unit. Nothing here touches the DOM.
 */

import { isUrlRuleList, type UrlRule } from './url-rules';

/** SDK identifier sent as `meta.sdk` in every batch. */
export const SDK_NAME = 'tapedeck-js/0.1.0';

// Batching.
/** A batch is sent at the latest this long after its first event was recorded. */
export const FLUSH_INTERVAL_MS = 3_000;
/** A batch is sealed once its events' JSON reaches this many bytes (estimated, UTF-16 units). */
export const MAX_BATCH_BYTES = 512 * 1024;
/** A batch holds at most this many events (the server accepts up to 50,000). */
export const MAX_BATCH_EVENTS = 5_000;
/**
 * An event whose JSON is longer than this (UTF-16 units) is split into `tapedeck.chunk` custom
 * events, one per batch, each at most this long (src/chunker.ts); the server reassembles them.
 */
export const MAX_EVENT_CHUNK_BYTES = 512 * 1024;

// Sending.
/**
 * At most this many sealed batches of a page wait to be acknowledged (in IndexedDB and memory);
 * the oldest is dropped and counted (`meta.dropped_batches`) beyond it.
 */
export const MAX_QUEUE_BATCHES = 200;
/** At most this many bytes (UTF-16 units of JSON) of sealed batches wait; the oldest is dropped beyond. */
export const MAX_QUEUE_BYTES = 5 * 1024 * 1024;
/** A page claims a stored batch for this long before sending it, so two tabs do not both send it. */
export const BATCH_LEASE_MS = 60_000;
/** An IndexedDB operation slower than this counts as failed; the queue then lives in memory only. */
export const BATCH_STORE_TIMEOUT_MS = 5_000;
/** A compression worker that has not answered after this long is abandoned for the main thread. */
export const COMPRESS_WORKER_TIMEOUT_MS = 10_000;
/** First retry delay after a failed send; doubles per consecutive failure. */
export const RETRY_BASE_DELAY_MS = 1_000;
/** Retry delays never exceed this (before a server's `Retry-After`). */
export const RETRY_MAX_DELAY_MS = 30_000;
/** A server's `Retry-After` is honoured up to this long. */
export const RETRY_AFTER_MAX_MS = 10 * 60_000;
/** Bodies smaller than this are sent uncompressed: gzip would not pay for its header. */
export const MIN_COMPRESS_BYTES = 1_024;
/**
 * Bytes sent with `fetch(…, {keepalive: true})` or `sendBeacon` when the page is hidden or
 * unloaded. Browsers cap in-flight keepalive bodies at 64 KiB per page; this leaves headroom.
 */
export const UNLOAD_BUDGET_BYTES = 60 * 1024;

// Sessions.
/** A session ends after this long without a recorded event. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;
/** A session is split into a new one after this long, however active. */
export const SESSION_MAX_DURATION_MS = 2 * 60 * 60_000;
/** Last-activity time is written to sessionStorage at most this often. */
export const ACTIVITY_WRITE_INTERVAL_MS = 1_000;

// Recording.
/** rrweb takes a full snapshot (a checkout) this often so the player can seek. */
export const FULL_SNAPSHOT_INTERVAL_MS = 5 * 60_000;

// Remote config (src/remote-config.ts).
/** A cached remote config younger than this is used without asking the server. */
export const REMOTE_CONFIG_TTL_MS = 10 * 60_000;
/** Without a fresh cache, recording waits at most this long for the remote config. */
export const REMOTE_CONFIG_WAIT_MS = 1_500;
/** After the endpoint failed, pages do not wait for it again for this long. */
export const REMOTE_CONFIG_FAILURE_TTL_MS = 60_000;
/** A config request still unanswered after this long is aborted. */
export const REMOTE_CONFIG_FETCH_TIMEOUT_MS = 10_000;

// Excluded URLs (src/url-rules.ts, src/navigation.ts).
/**
 * Leaving an excluded URL, recording resumes (with a full snapshot) this long after the URL
 * changed, so the app has rendered the new route and the snapshot never shows the excluded page.
 */
export const EXCLUDED_RESUME_DELAY_MS = 300;

// DOM budget guard (src/mutation-budget.ts, src/budget-guard.ts).
/** DOM mutations per sliding second above which the page counts as overloaded. */
export const MUTATION_BUDGET_PER_SECOND = 5_000;
/** The recorder pauses itself once the sliding second's count has stayed above the budget this long. */
export const MUTATION_OVERLOAD_MS = 2_000;
/** A paused recorder resumes once mutations have stayed within budget this long. */
export const MUTATION_QUIET_MS = 3_000;
/** Resolution of the sliding second. */
export const MUTATION_BUDGET_SLOT_MS = 100;
/** While paused for the budget, the page is checked for quiet this often. */
export const MUTATION_QUIET_CHECK_INTERVAL_MS = 500;

// Network and console capture (src/capture/).
/** Default cap of a captured request or response body, in UTF-8 bytes. */
export const NETWORK_BODY_DEFAULT_MAX_BYTES = 10 * 1024;
/** `maxBodyBytes` above this is lowered to it, in UTF-8 bytes. */
export const NETWORK_BODY_MAX_BYTES_CEILING = 256 * 1024;
/** Console arguments after this many are left out of a captured call. */
export const CONSOLE_MAX_ARGS = 20;
/** Nested objects deeper than this many levels are shown as `[Object]` / `[Array(n)]`. */
export const SERIALIZE_MAX_DEPTH = 4;
/** At most this many keys of one object are serialized. */
export const SERIALIZE_MAX_KEYS = 50;
/** At most this many items of one array are serialized. */
export const SERIALIZE_MAX_ARRAY_ITEMS = 50;
/** A string (top-level or nested) is cut after this many UTF-16 units. */
export const SERIALIZE_MAX_STRING_CHARS = 2_000;
/** One serialized console call (all its arguments) is cut after this many UTF-16 units. */
export const SERIALIZE_MAX_TOTAL_CHARS = 10_000;
/** A captured stack trace is cut after this many UTF-16 units. */
export const CAPTURE_MAX_STACK_CHARS = 4_000;
/** Console, error and network events beyond this many per second are dropped (and counted). */
export const CAPTURE_MAX_EVENTS_PER_SECOND = 100;

/** How much the recorder masks before anything leaves the browser (SPEC §5). */
export type PrivacyLevel = 'strict' | 'balanced' | 'minimal';

export const PRIVACY_LEVELS: readonly PrivacyLevel[] = ['strict', 'balanced', 'minimal'];

/** The end user a session belongs to, sent as `meta.user`. */
export interface UserInfo {
  id?: string;
  email?: string;
  name?: string;
}

/** Free-form labels sent as `meta.tags`. */
export type Tags = Record<string, string>;

/** Options of `Tapedeck.init`. */
export interface TapedeckOptions {
  /** Origin of the Tapedeck server, e.g. `https://tapedeck.example.com`. */
  endpoint: string;
  /** The project's ingest key. */
  projectKey: string;
  /** Default `balanced`. */
  privacy?: PrivacyLevel;
  /** CSS selectors whose text is masked. */
  maskSelectors?: string[];
  /** CSS selectors of elements that are not recorded (a placeholder of their size is). */
  blockSelectors?: string[];
  /** CSS selectors of elements whose input events are not recorded. */
  ignoreSelectors?: string[];
  /** CSS selectors whose text and inputs are shown even under `strict` (card numbers stay masked). */
  unmaskSelectors?: string[];
  /** Record canvas content (default `false`); blocked canvases (and all under `strict`) never are. */
  recordCanvas?: boolean;
  user?: UserInfo;
  tags?: Tags;
  /** Start recording at once (default `true`). */
  autoStart?: boolean;
  /** Wait for `setConsent(true)` before recording (default `false`). */
  requireConsent?: boolean;
  /**
   * Pages whose URL matches are not recorded (SPA navigations included): RegExps, or strings
   * matching the whole URL with `*` for any characters (src/url-rules.ts). Default: none.
   */
  excludeUrls?: UrlRule[];
  /** Share of sessions recorded, 0..1, decided once per session (default 1). */
  sampleRate?: number;
  /** Fetch `/api/v1/recorder-config` and use it for options not given here (default `true`). */
  remoteConfig?: boolean;
  /** Record fetch/XHR requests as `tapedeck.network` events (default `false`, src/capture/). */
  captureNetwork?: boolean | NetworkCaptureOptions;
  /** Record console calls and uncaught errors (default `false`, src/capture/). */
  captureConsole?: boolean | ConsoleCaptureOptions;
}

/** Console methods `captureConsole` can capture. */
export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** The object form of `captureNetwork`. */
export interface NetworkCaptureOptions {
  /** Extra header names to keep (secret-looking names are never kept). */
  allowHeaders?: string[];
  /** Bodies are captured only for URLs containing one of these strings or matching a RegExp. */
  bodyUrls?: (string | RegExp)[];
  /** Cap of each captured body, in UTF-8 bytes (default `NETWORK_BODY_DEFAULT_MAX_BYTES`). */
  maxBodyBytes?: number;
}

/** The object form of `captureConsole`. */
export interface ConsoleCaptureOptions {
  /** Default: all five levels. */
  levels?: ConsoleLevel[];
}

/** Options after defaults are applied and input is checked. */
export interface ResolvedOptions {
  endpoint: string;
  projectKey: string;
  privacy: PrivacyLevel;
  maskSelectors: string[];
  blockSelectors: string[];
  ignoreSelectors: string[];
  unmaskSelectors: string[];
  recordCanvas: boolean;
  user: UserInfo;
  tags: Tags;
  autoStart: boolean;
  requireConsent: boolean;
  excludeUrls: UrlRule[];
  sampleRate: number;
  remoteConfig: boolean;
  /** As given (`false` if absent); checked by src/capture/ when capture starts. */
  captureNetwork: boolean | NetworkCaptureOptions;
  captureConsole: boolean | ConsoleCaptureOptions;
}

/** Thrown by `resolveOptions` when an option cannot be used; the message names it. */
export class OptionsError extends Error {}

/** Returns `level` if it is a known privacy level, else `undefined`. */
export function parsePrivacyLevel(level: unknown): PrivacyLevel | undefined {
  return PRIVACY_LEVELS.find((known) => known === level);
}

/** Applies defaults and checks the options; throws `OptionsError` naming a bad option. */
export function resolveOptions(options: TapedeckOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options must be an object');
  }
  if (typeof options.projectKey !== 'string' || options.projectKey === '') {
    throw new OptionsError('projectKey is required');
  }
  if (typeof options.endpoint !== 'string' || !/^https?:\/\//i.test(options.endpoint)) {
    throw new OptionsError('endpoint must be an http(s) URL');
  }
  const privacy = options.privacy === undefined ? 'balanced' : parsePrivacyLevel(options.privacy);
  if (privacy === undefined) {
    throw new OptionsError(`privacy must be one of ${PRIVACY_LEVELS.join(', ')}`);
  }
  return {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    projectKey: options.projectKey,
    privacy,
    maskSelectors: stringList(options.maskSelectors, 'maskSelectors'),
    blockSelectors: stringList(options.blockSelectors, 'blockSelectors'),
    ignoreSelectors: stringList(options.ignoreSelectors, 'ignoreSelectors'),
    unmaskSelectors: stringList(options.unmaskSelectors, 'unmaskSelectors'),
    recordCanvas: options.recordCanvas === true,
    user: cleanUser(options.user),
    tags: cleanTags(options.tags),
    autoStart: options.autoStart !== false,
    requireConsent: options.requireConsent === true,
    excludeUrls: urlRules(options.excludeUrls),
    sampleRate: sampleRate(options.sampleRate),
    remoteConfig: options.remoteConfig !== false,
    captureNetwork: options.captureNetwork ?? false,
    captureConsole: options.captureConsole ?? false,
  };
}

function urlRules(value: unknown): UrlRule[] {
  if (value === undefined) return [];
  if (!isUrlRuleList(value)) throw new OptionsError('excludeUrls must be an array of strings and RegExps');
  return value.slice();
}

function sampleRate(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new OptionsError('sampleRate must be a number from 0 to 1');
  }
  return value;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new OptionsError(`${name} must be an array of strings`);
  }
  return value.filter((item: string) => item.trim() !== '');
}

/** Keeps the string fields `id`, `email`, `name` of a user object. */
export function cleanUser(user: unknown): UserInfo {
  const clean: UserInfo = {};
  if (typeof user !== 'object' || user === null) return clean;
  const record = user as Record<string, unknown>;
  for (const key of ['id', 'email', 'name'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') clean[key] = value;
  }
  return clean;
}

/** Keeps the string (and stringified number/boolean) values of a tags object. */
export function cleanTags(tags: unknown): Tags {
  const clean: Tags = {};
  if (typeof tags !== 'object' || tags === null) return clean;
  for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
    if (typeof value === 'string') clean[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') clean[key] = String(value);
  }
  return clean;
}
