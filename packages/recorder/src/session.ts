/**
 * Session lifecycle and its persistence: the session id (kept across reloads and same-origin
 * navigations of one tab, rotated after 30 min idle or 2 h), the per-tab window id, and the
 * per-(session, window) batch sequence number. State lives in sessionStorage, behind an injected
 * storage that falls back to memory where sessionStorage throws; time is passed in.
 */

import { ACTIVITY_WRITE_INTERVAL_MS, SESSION_IDLE_TIMEOUT_MS, SESSION_MAX_DURATION_MS } from './config';
import { newSessionId, newWindowId, type FillRandom } from './ids';

/** The part of the Web Storage API the session store uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives as long as the page. */
export class MemoryStorage implements KeyValueStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    const value = this.items.get(key);
    return value === undefined ? null : value;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * Returns a storage that uses the one `open` gives while it works, and memory where it is
 * missing or throws (Safari private mode, storage disabled, quota exceeded).
 */
export function resilientStorage(open: () => KeyValueStorage | null | undefined): KeyValueStorage {
  const memory = new MemoryStorage();
  let backing: KeyValueStorage | null = null;
  try {
    backing = open() ?? null;
    if (backing !== null) {
      backing.setItem('tapedeck.probe', '1');
      backing.removeItem('tapedeck.probe');
    }
  } catch {
    backing = null;
  }
  return {
    getItem(key) {
      if (backing !== null) {
        try {
          const value = backing.getItem(key);
          if (value !== null) return value;
        } catch {
          // Fall through to the memory copy.
        }
      }
      return memory.getItem(key);
    },
    setItem(key, value) {
      memory.setItem(key, value);
      try {
        backing?.setItem(key, value);
      } catch {
        // The memory copy keeps the value for this page.
      }
    },
    removeItem(key) {
      memory.removeItem(key);
      try {
        backing?.removeItem(key);
      } catch {
        // Nothing more to do.
      }
    },
  };
}

export const SESSION_STORAGE_KEY = 'tapedeck.session';
export const WINDOW_STORAGE_KEY = 'tapedeck.window';
/** Present while a page of this tab is open; seen at load time, it reveals a duplicated tab. */
export const WINDOW_OPEN_STORAGE_KEY = 'tapedeck.window.open';

/** A recording session as stored. Times are Unix milliseconds. */
export interface SessionRecord {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  /** Time of the session's first recorded event, `null` before it. */
  firstEventAt: number | null;
  /**
   * The session this one continues (split at the maximum duration while active), sent as
   * `meta.previous_session_id` so the server can link them; `null` for a session of its own.
   */
  previousSessionId: string | null;
}

interface WindowRecord {
  id: string;
  sessionId: string;
  nextSeq: number;
}

/** Limits of the session lifecycle, injectable for tests. */
export interface SessionLimits {
  idleTimeoutMs: number;
  maxDurationMs: number;
  activityWriteIntervalMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleTimeoutMs: SESSION_IDLE_TIMEOUT_MS,
  maxDurationMs: SESSION_MAX_DURATION_MS,
  activityWriteIntervalMs: ACTIVITY_WRITE_INTERVAL_MS,
};

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_SEQ = 2 ** 31 - 1;

/** Owns the session, window and seq state of one page. */
export class SessionStore {
  private session: SessionRecord | null = null;
  private window: WindowRecord;
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly fillRandom: FillRandom,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {
    const stored = readWindow(storage);
    // sessionStorage is copied into a duplicated tab (and into `window.open` popups in some
    // browsers); the open-flag of the original page gives the copy away, so it takes a fresh
    // window id instead of sharing the original's seq numbers.
    const duplicated = storage.getItem(WINDOW_OPEN_STORAGE_KEY) !== null;
    this.window =
      stored !== null && !duplicated ? stored : { id: newWindowId(fillRandom), sessionId: '', nextSeq: 0 };
    this.writeWindow();
    this.markWindowOpen();
  }

  get windowId(): string {
    return this.window.id;
  }

  /**
   * Returns the current session, starting a new one when there is none, or the last one has
   * been idle longer than the idle timeout, or is older than the maximum duration. A session
   * replaced for its age while still active is continued: the new one names it in
   * `previousSessionId`. `rotated` is true when this call replaced a session this page was
   * already using.
   */
  resolve(nowMs: number): { session: Readonly<SessionRecord>; rotated: boolean } {
    const hadSession = this.session !== null;
    const current = this.session ?? readSession(this.storage);
    if (current !== null && !this.isExpired(current, nowMs)) {
      this.session = current;
      return { session: current, rotated: false };
    }
    const continued = current !== null && !this.isIdle(current, nowMs);
    this.session = {
      id: newSessionId(nowMs, this.fillRandom),
      startedAt: nowMs,
      lastActivityAt: nowMs,
      firstEventAt: null,
      previousSessionId: continued ? current.id : null,
    };
    this.writeSession(nowMs);
    return { session: this.session, rotated: hadSession };
  }

  /** Returns true when the next `resolve(nowMs)` would start a new session. */
  needsNewSession(nowMs: number): boolean {
    const current = this.session ?? readSession(this.storage);
    return current === null || this.isExpired(current, nowMs);
  }

  /**
   * Returns the session this page is using, even if it has just expired (the next recorded
   * event rotates it); starts one only when there is none.
   */
  current(nowMs: number): Readonly<SessionRecord> {
    return this.session ?? this.resolve(nowMs).session;
  }

  /** Records an event at `nowMs`: it keeps the session alive. Writes are throttled. */
  recordActivity(nowMs: number): void {
    const session = this.resolve(nowMs).session as SessionRecord;
    session.lastActivityAt = Math.max(session.lastActivityAt, nowMs);
    if (session.firstEventAt === null) {
      session.firstEventAt = nowMs;
      this.writeSession(nowMs);
    } else if (nowMs - this.lastWriteAt >= this.limits.activityWriteIntervalMs) {
      this.writeSession(nowMs);
    }
  }

  /**
   * Returns the next seq of the current session in this window and persists the one after it
   * before returning, so a reload never hands out the same number twice.
   */
  allocateSeq(nowMs: number): { sessionId: string; seq: number } {
    // The session in use, not a rotated one: callers seal a session's events before rotating.
    const sessionId = this.current(nowMs).id;
    const stored = readWindow(this.storage);
    if (this.window.sessionId !== sessionId) {
      this.window = { id: this.window.id, sessionId, nextSeq: 0 };
    }
    // Another page of this tab (one restored from the back/forward cache) may have moved on.
    if (stored !== null && stored.id === this.window.id && stored.sessionId === sessionId) {
      this.window.nextSeq = Math.max(this.window.nextSeq, stored.nextSeq);
    }
    const seq = this.window.nextSeq;
    this.window.nextSeq = Math.min(seq + 1, MAX_SEQ);
    this.writeWindow();
    return { sessionId, seq };
  }

  /** Writes the in-memory state now (on `pagehide`). */
  persist(): void {
    if (this.session !== null) this.writeSession(this.lastWriteAt);
    this.writeWindow();
  }

  /**
   * Re-reads the session from storage, for a page restored from the back/forward cache: another
   * page of this tab may have rotated it meanwhile.
   */
  reload(): void {
    const stored = readSession(this.storage);
    if (stored !== null) this.session = stored;
  }

  /** Forgets the session: the next `resolve` starts a new one. */
  endSession(): void {
    this.session = null;
    this.storage.removeItem(SESSION_STORAGE_KEY);
  }

  markWindowOpen(): void {
    this.storage.setItem(WINDOW_OPEN_STORAGE_KEY, '1');
  }

  /** Clears the open-flag as the page goes away, so the next page of this tab keeps the window. */
  markWindowClosed(): void {
    this.storage.removeItem(WINDOW_OPEN_STORAGE_KEY);
  }

  private isIdle(session: SessionRecord, nowMs: number): boolean {
    return nowMs - session.lastActivityAt > this.limits.idleTimeoutMs;
  }

  private isExpired(session: SessionRecord, nowMs: number): boolean {
    return this.isIdle(session, nowMs) || nowMs - session.startedAt > this.limits.maxDurationMs;
  }

  private writeSession(nowMs: number): void {
    if (this.session === null) return;
    this.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(this.session));
    this.lastWriteAt = nowMs;
  }

  private writeWindow(): void {
    this.storage.setItem(WINDOW_STORAGE_KEY, JSON.stringify(this.window));
  }
}

function readJson(storage: KeyValueStorage, key: string): Record<string, unknown> | null {
  try {
    const raw = storage.getItem(key);
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function readSession(storage: KeyValueStorage): SessionRecord | null {
  const value = readJson(storage, SESSION_STORAGE_KEY);
  if (value === null) return null;
  const { id, startedAt, lastActivityAt, firstEventAt, previousSessionId } = value;
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || !isTime(startedAt) || !isTime(lastActivityAt)) {
    return null;
  }
  return {
    id,
    startedAt,
    lastActivityAt,
    firstEventAt: isTime(firstEventAt) ? firstEventAt : null,
    previousSessionId:
      typeof previousSessionId === 'string' && ID_PATTERN.test(previousSessionId) ? previousSessionId : null,
  };
}

function readWindow(storage: KeyValueStorage): WindowRecord | null {
  const value = readJson(storage, WINDOW_STORAGE_KEY);
  if (value === null) return null;
  const { id, sessionId, nextSeq } = value;
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || typeof sessionId !== 'string') return null;
  const seq = typeof nextSeq === 'number' && Number.isInteger(nextSeq) && nextSeq >= 0 ? nextSeq : 0;
  return { id, sessionId, nextSeq: Math.min(seq, MAX_SEQ) };
}
