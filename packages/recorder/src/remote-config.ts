/**
 * Remote recorder settings from `GET {endpoint}/api/v1/recorder-config?project=KEY` (docs/API.md):
 * parsing (a bad field is ignored, a bad document entirely), the merge with the options given in
 * code (code when given, else remote, else default), and a localStorage cache with a TTL so a
 * page load starts at once from a fresh copy. Fetching waits at most a bounded time; a failing or
 * slow endpoint never stops recording. Storage, fetch, clock and timers are injected; no DOM.
 */

import {
  PRIVACY_LEVELS,
  REMOTE_CONFIG_FAILURE_TTL_MS,
  REMOTE_CONFIG_FETCH_TIMEOUT_MS,
  REMOTE_CONFIG_TTL_MS,
  type PrivacyLevel,
  type TapedeckOptions,
} from './config';
import type { KeyValueStorage } from './session';

/** The options a project can set remotely, in the SDK's names. */
export interface RemoteConfig {
  privacy?: PrivacyLevel;
  maskSelectors?: string[];
  blockSelectors?: string[];
  ignoreSelectors?: string[];
  excludeUrls?: string[];
  sampleRate?: number;
  captureNetwork?: boolean;
  captureConsole?: boolean;
}

/** Remote options and where the server's JSON has them. */
const REMOTE_FIELDS = {
  privacy: 'privacy',
  maskSelectors: 'mask_selectors',
  blockSelectors: 'block_selectors',
  ignoreSelectors: 'ignore_selectors',
  excludeUrls: 'exclude_urls',
  sampleRate: 'sample_rate',
  captureNetwork: 'capture_network',
  captureConsole: 'capture_console',
} as const;

type RemoteKey = keyof typeof REMOTE_FIELDS;
const REMOTE_KEYS = Object.keys(REMOTE_FIELDS) as RemoteKey[];

/**
 * Returns the settings of the server's JSON `document`, or `null` if it is not an object. A field
 * of the wrong type or out of range is left out, so the code option or the default applies.
 */
export function parseRemoteConfig(document: unknown): RemoteConfig | null {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return null;
  const raw = document as Record<string, unknown>;
  const config: RemoteConfig = {};
  const privacy = PRIVACY_LEVELS.find((level) => level === raw[REMOTE_FIELDS.privacy]);
  if (privacy !== undefined) config.privacy = privacy;
  for (const key of ['maskSelectors', 'blockSelectors', 'ignoreSelectors', 'excludeUrls'] as const) {
    const value = raw[REMOTE_FIELDS[key]];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) config[key] = value.slice();
  }
  const rate = raw[REMOTE_FIELDS.sampleRate];
  if (typeof rate === 'number' && Number.isFinite(rate) && rate >= 0 && rate <= 1) config.sampleRate = rate;
  for (const key of ['captureNetwork', 'captureConsole'] as const) {
    const value = raw[REMOTE_FIELDS[key]];
    if (typeof value === 'boolean') config[key] = value;
  }
  return config;
}

/** Options whose lists only ever grow by merging: each masks, blocks or excludes more. */
const PROTECTIVE_LISTS = ['maskSelectors', 'blockSelectors', 'ignoreSelectors', 'excludeUrls'] as const;

/**
 * Returns the options to resolve: each remotely settable option comes from `code` when it is
 * given there (not `undefined`), else from `remote`, else it stays unset (its default applies).
 *
 * Except where privacy is at stake: the project's settings are a floor that page code cannot
 * lower. The privacy level is the stricter of the two, and the mask/block/ignore selectors and
 * excluded URLs are the union of both. (Issue 3 says code overrides remote; docs/SECURITY.md says
 * why privacy differs: an admin's setting is a compliance promise.)
 */
export function mergeRemoteConfig(code: TapedeckOptions, remote: RemoteConfig | null): TapedeckOptions {
  const merged: TapedeckOptions = { ...code };
  if (remote === null) return merged;
  const target = merged as unknown as Record<RemoteKey, unknown>;
  for (const key of REMOTE_KEYS) {
    if (code[key] === undefined && remote[key] !== undefined) target[key] = remote[key];
  }
  if (code.privacy !== undefined && remote.privacy !== undefined) {
    const strictest = Math.min(PRIVACY_LEVELS.indexOf(code.privacy), PRIVACY_LEVELS.indexOf(remote.privacy));
    merged.privacy = PRIVACY_LEVELS[strictest] ?? code.privacy;
  }
  for (const key of PROTECTIVE_LISTS) {
    const fromCode = code[key];
    const fromRemote = remote[key];
    if (fromCode !== undefined && fromRemote !== undefined) target[key] = [...fromCode, ...fromRemote];
  }
  return merged;
}

/** The part of a fetch `Response` the loader reads. */
export interface ConfigResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

/** What the loader needs from the page; injected so tests run without a browser. */
export interface RemoteConfigEnvironment {
  /** localStorage (or memory where it is unavailable). */
  storage: KeyValueStorage;
  fetch(url: string, init: RequestInit): Promise<ConfigResponse>;
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Cache entry as stored: the server's JSON as received (parsed again on read), and when. */
interface CacheEntry {
  fetchedAt: number;
  /** The server's document, or `null` when the last fetch failed. */
  document: unknown;
}

/** A cached config and whether it is younger than its TTL. */
export interface CachedConfig {
  config: RemoteConfig | null;
  fresh: boolean;
}

/** Where a config given to the recorder came from. */
export type ConfigSource = 'cache' | 'network' | 'stale-cache' | 'none';

const CACHE_KEY_PREFIX = 'tapedeck.config:';

/** Fetches, caches and serves the remote config of one project. Never throws or rejects. */
export class RemoteConfigLoader {
  private readonly url: string;
  private readonly cacheKey: string;

  constructor(
    private readonly env: RemoteConfigEnvironment,
    endpoint: string,
    projectKey: string,
  ) {
    this.url = `${endpoint}/api/v1/recorder-config?project=${encodeURIComponent(projectKey)}`;
    this.cacheKey = `${CACHE_KEY_PREFIX}${endpoint}|${projectKey}`;
  }

  /**
   * Returns the cached config, fresh when fetched less than the TTL ago (a failed fetch is
   * remembered for a shorter time, keeping the config cached before it), or `null`.
   */
  cached(): CachedConfig | null {
    const entry = this.readCache();
    if (entry === null) return null;
    const age = this.env.now() - entry.fetchedAt;
    const config = parseRemoteConfig(entry.document);
    const ttl = entry.document === null ? REMOTE_CONFIG_FAILURE_TTL_MS : REMOTE_CONFIG_TTL_MS;
    return { config, fresh: age >= 0 && age < ttl };
  }

  /**
   * Fetches the config and caches it. Resolves after at most `waitMs` with the fetched config,
   * or else the cached one however old, or `null`; a fetch still running then goes on in the
   * background and refreshes the cache for the next page load.
   */
  load(waitMs: number): Promise<{ config: RemoteConfig | null; source: ConfigSource }> {
    const fallback = (): { config: RemoteConfig | null; source: ConfigSource } => {
      const cached = this.cached();
      return cached !== null && cached.config !== null
        ? { config: cached.config, source: 'stale-cache' }
        : { config: null, source: 'none' };
    };
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.env.setTimeout(() => {
        if (settled) return;
        settled = true;
        resolve(fallback());
      }, waitMs);
      void this.fetchAndCache().then((config) => {
        if (settled) return;
        settled = true;
        this.env.clearTimeout(timer);
        resolve(config !== null ? { config, source: 'network' } : fallback());
      });
    });
  }

  /** Fetches the config; caches the answer (or the failure, keeping the old config). */
  async fetchAndCache(): Promise<RemoteConfig | null> {
    let document: unknown = null;
    try {
      document = await this.fetchDocument();
    } catch {
      document = null;
    }
    const config = parseRemoteConfig(document);
    const now = this.env.now();
    if (config !== null) {
      this.writeCache({ fetchedAt: now, document });
      return config;
    }
    // The endpoint failed: pages should not wait for it again for a while. The last good
    // document stays cached, dated so that it counts as fresh for the failure TTL only.
    const previous = this.readCache();
    if (previous !== null && parseRemoteConfig(previous.document) !== null) {
      this.writeCache({ fetchedAt: now - REMOTE_CONFIG_TTL_MS + REMOTE_CONFIG_FAILURE_TTL_MS, document: previous.document });
    } else {
      this.writeCache({ fetchedAt: now, document: null });
    }
    return null;
  }

  private async fetchDocument(): Promise<unknown> {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = this.env.setTimeout(() => controller?.abort(), REMOTE_CONFIG_FETCH_TIMEOUT_MS);
    try {
      // A GET with no custom header is a CORS-simple request: no preflight.
      const response = await this.env.fetch(this.url, {
        method: 'GET',
        credentials: 'omit',
        signal: controller?.signal,
      });
      if (!response.ok) return null;
      return await response.json();
    } finally {
      this.env.clearTimeout(timer);
    }
  }

  private readCache(): CacheEntry | null {
    try {
      const raw = this.env.storage.getItem(this.cacheKey);
      if (raw === null) return null;
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null) return null;
      const { fetchedAt, document } = value as Record<string, unknown>;
      if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt)) return null;
      return { fetchedAt, document: document === undefined ? null : document };
    } catch {
      return null;
    }
  }

  private writeCache(entry: CacheEntry): void {
    try {
      this.env.storage.setItem(this.cacheKey, JSON.stringify(entry));
    } catch {
      // Without a cache the next page load waits for the endpoint again (boundedly).
    }
  }
}
