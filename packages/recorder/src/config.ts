/**
 * Recorder options, their normalisation, and every limit of the SDK as a named constant with its
 * unit. Nothing here touches the DOM.
 */

/** SDK identifier sent as `meta.sdk` in every batch. */
export const SDK_NAME = 'tapedeck-js/0.1.0';

// Batching.
/** A batch is sent at the latest this long after its first event was recorded. */
export const FLUSH_INTERVAL_MS = 3_000;
/** A batch is sealed once its events' JSON reaches this many bytes (estimated, UTF-16 units). */
export const MAX_BATCH_BYTES = 512 * 1024;
/** A batch holds at most this many events (the server accepts up to 50,000). */
export const MAX_BATCH_EVENTS = 5_000;

// Sending.
/** At most this many sealed batches wait in memory; the oldest is dropped beyond it. */
export const MAX_QUEUE_BATCHES = 20;
/** At most this many bytes of sealed batches wait in memory; the oldest is dropped beyond it. */
export const MAX_QUEUE_BYTES = 5 * 1024 * 1024;
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
  user?: UserInfo;
  tags?: Tags;
  /** Start recording at once (default `true`). */
  autoStart?: boolean;
  /** Wait for `setConsent(true)` before recording (default `false`). */
  requireConsent?: boolean;
}

/** Options after defaults are applied and input is checked. */
export interface ResolvedOptions {
  endpoint: string;
  projectKey: string;
  privacy: PrivacyLevel;
  maskSelectors: string[];
  blockSelectors: string[];
  ignoreSelectors: string[];
  user: UserInfo;
  tags: Tags;
  autoStart: boolean;
  requireConsent: boolean;
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
    user: cleanUser(options.user),
    tags: cleanTags(options.tags),
    autoStart: options.autoStart !== false,
    requireConsent: options.requireConsent === true,
  };
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
