//! Typed helpers for the Tapedeck HTTP API (docs/API.md). Every call sends the login
//! cookie (same-origin) and turns error answers into `ApiError` with the server's
//! stable code and human message.

import type { eventWithTime } from '@tapedeck/player';
import { readTimeline, type Note, type Timeline } from './inspector/timeline.ts';
import { shareRecent } from './shared-request.ts';

/** An error answer (or a failure to get one), with a stable `code`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the server refused: for `invalid_settings` the setting's JSON key, for `invalid_query` the query parameter. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface User {
  id: string;
  email: string;
}

export interface Organization {
  id: string;
  name: string;
  role: string;
}

export interface Me {
  user: User;
  organizations: Organization[];
}

export interface SessionUrl {
  url: string;
  at: string;
}

/** A recorded session's metadata. Fields a server may leave empty are nullable. */
export interface Session {
  id: string;
  project_id?: string;
  organization_id?: string;
  user_id?: string | null;
  user_email?: string | null;
  user_name?: string | null;
  started_at: string;
  ended_at?: string | null;
  duration?: number | null;
  event_count?: number | null;
  page_views?: number | null;
  first_url?: string | null;
  urls?: SessionUrl[];
  status?: string;
  tags?: Record<string, string> | null;
  browser?: string | null;
  browser_version?: string | null;
  os?: string | null;
  device_type?: string | null;
  viewport?: { width: number; height: number } | null;
  user_agent?: string | null;
  storage_size_bytes?: number | null;
  /** Free-form facts from the recorder: `sdk`, `referrer`, `ticket`, `ticket_url`, … */
  metadata?: Record<string, unknown> | null;
  windows?: string[];
  created_at?: string;
  updated_at?: string;
}

/** A link from a session to a ticket or issue (`kind` 'ticket' | 'issue' | 'link'). */
export interface SessionLink {
  /** Absent on links embedded in list items. */
  id?: string;
  kind: string;
  ref: string;
  url?: string | null;
  /** The user who added it; null when the recorder's SDK did. */
  created_by?: string | null;
  created_at?: string;
}

/** A session as the list answers it: the session plus counts, links and experiments. */
export interface SessionListItem extends Session {
  error_count?: number;
  rage_click_count?: number;
  console_error_count?: number;
  failed_request_count?: number;
  live?: boolean;
  links?: SessionLink[];
  experiments?: Record<string, string>;
}

export interface SessionPage {
  sessions: SessionListItem[];
  next_cursor: string | null;
}

/** A named set of list filters (`filters`: the list's query parameters), the author's or shared. */
export interface SavedView {
  id: string;
  name: string;
  organization_id: string;
  filters: Record<string, string | string[]>;
  shared: boolean;
  author: { id: string; email: string; name?: string | null } | null;
  created_at: string;
  updated_at: string;
}

export interface SessionEvents {
  session_id: string;
  window_id: string;
  windows: string[];
  events: eventWithTime[];
}

export type PrivacyLevel = 'strict' | 'balanced' | 'minimal';

/** A project's privacy and recording settings, as recorders receive them. */
export interface RecorderSettings {
  privacy: PrivacyLevel;
  mask_selectors: string[];
  block_selectors: string[];
  ignore_selectors: string[];
  exclude_urls: string[];
  sample_rate: number;
  capture_network: boolean;
  capture_console: boolean;
  /** Days a session is kept after its last batch; then it is deleted. */
  retention_days: number;
}

export interface Project {
  id: string;
  organization_id: string;
  name: string;
  ingest_key: string;
  /** The storage region its recordings live in (data residency); fixed at creation. */
  region: string;
  allowed_origins: string[];
  settings: RecorderSettings;
  /** Whether the signed-in user's role lets them change the settings. */
  can_manage: boolean;
}

/** A partial settings update: only the fields given change. */
export type SettingsPatch = Partial<RecorderSettings> & { allowed_origins?: string[] };

function isErrorBody(value: unknown): value is { error: { code: string; message: string; field?: string; param?: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    // Cookie-authenticated writes must be JSON (the server's CSRF rule).
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the Tapedeck server. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (isErrorBody(parsed)) {
      const { field: f, param: p } = parsed.error;
      const field = typeof f === 'string' ? f : typeof p === 'string' ? p : undefined;
      throw new ApiError(response.status, parsed.error.code, parsed.error.message, field);
    }
    const reason = `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, `http_${response.status}`, `The server answered ${reason}.`);
  }
  if (parsed === undefined) throw new ApiError(response.status, 'invalid_response', 'The server sent an unreadable answer.');
  return parsed as T;
}

export const login = (email: string, password: string): Promise<{ user: User }> =>
  request('POST', '/api/v1/auth/login', { email, password });

export const setupOwner = (token: string, email: string, password: string): Promise<{ user: User }> =>
  request('POST', '/api/v1/auth/setup', { token, email, password });

export const logout = (): Promise<void> => request('POST', '/api/v1/auth/logout');

export const getMe = (): Promise<Me> => request('GET', '/api/v1/me');

/** One page of the sessions list; `params` are the list's filters, sort, `limit` and `cursor`. */
export const listSessions = (params: URLSearchParams): Promise<SessionPage> => request('GET', `/api/v1/sessions?${params}`);

/**
 * One session's metadata. Each request is audited as a view (`session.view`), so the page and
 * the player share one request per opening (and for 10 s after).
 */
export const getSession: (id: string) => Promise<Session> = shareRecent(
  (id) => request('GET', `/api/v1/sessions/${encodeURIComponent(id)}`),
  10_000,
);

export function getSessionEvents(id: string, windowId?: string | null): Promise<SessionEvents> {
  const query = windowId ? `?${new URLSearchParams({ window: windowId })}` : '';
  return request('GET', `/api/v1/sessions/${encodeURIComponent(id)}/events${query}`);
}

const sessionUrl = (id: string): string => `/api/v1/sessions/${encodeURIComponent(id)}`;

/** The session's timeline (entries, inactive spans), read defensively; `windowId` filters to one tab. */
export async function getTimeline(id: string, windowId?: string | null): Promise<Timeline> {
  const query = windowId ? `?${new URLSearchParams({ window: windowId })}` : '';
  return readTimeline(await request<unknown>('GET', `${sessionUrl(id)}/timeline${query}`));
}

export const listNotes = (id: string): Promise<{ notes: Note[] }> => request('GET', `${sessionUrl(id)}/notes`);

export const addNote = (id: string, at: number, text: string): Promise<Note> =>
  request('POST', `${sessionUrl(id)}/notes`, { at: Math.max(0, Math.round(at)), text });

export const deleteNote = (id: string, noteId: string): Promise<void> =>
  request('DELETE', `${sessionUrl(id)}/notes/${encodeURIComponent(noteId)}`);

/** The projects of the user's organizations, and the storage regions a new one may be pinned to. */
export const listProjects = (): Promise<{ projects: Project[]; regions?: string[] }> => request('GET', '/api/v1/projects');

export const updateProjectSettings = (id: string, patch: SettingsPatch): Promise<Project> =>
  request('PATCH', `/api/v1/projects/${encodeURIComponent(id)}/settings`, patch);

/** Adds (`add`: key → value, '' for a plain label) and removes (`remove`: keys) tags of one session. */
export const updateSessionTags = (id: string, add: Record<string, string>, remove: string[]): Promise<{ tags: Record<string, string> }> =>
  request('PUT', `${sessionUrl(id)}/tags`, { add, remove });

/** The same for many sessions at once (at most 500). */
export const bulkTagSessions = (sessionIds: string[], add: Record<string, string>, remove: string[]): Promise<{ updated: number }> =>
  request('POST', '/api/v1/sessions/tags', { session_ids: sessionIds, add, remove });

export const listLinks = (id: string): Promise<{ links: SessionLink[] }> => request('GET', `${sessionUrl(id)}/links`);

export const addLink = (id: string, link: { kind: string; ref: string; url?: string }): Promise<SessionLink> =>
  request('POST', `${sessionUrl(id)}/links`, link);

export const deleteLink = (id: string, linkId: string): Promise<void> =>
  request('DELETE', `${sessionUrl(id)}/links/${encodeURIComponent(linkId)}`);

/** Saved views: the user's own and those shared in their organizations. */
export const listViews = (): Promise<{ views: SavedView[] }> => request('GET', '/api/v1/views');

export const createView = (view: { name: string; organization_id: string; filters: Record<string, string | string[]>; shared: boolean }): Promise<SavedView> =>
  request('POST', '/api/v1/views', view);

export const deleteView = (id: string): Promise<void> => request('DELETE', `/api/v1/views/${encodeURIComponent(id)}`);
