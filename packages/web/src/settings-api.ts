//! Typed calls of the settings area: projects and ingest keys, members and invitations, API
//! keys, the audit log, passwords (docs/API.md; the issue 8 contract). Errors are `ApiError`s.

import { request, type Project, type User } from './api.ts';
import type { AuditFilters } from './settings/audit-filters.ts';
import { apiQuery } from './settings/audit-filters.ts';
import type { IngestKey } from './settings/ingest-keys.ts';

const enc = encodeURIComponent;

// Projects and ingest keys

export const createProject = (organizationId: string, name: string, region?: string): Promise<Project> =>
  request('POST', '/api/v1/projects', { organization_id: organizationId, name, ...(region ? { region } : {}) });

export const listIngestKeys = (projectId: string): Promise<{ ingest_keys: IngestKey[] }> =>
  request('GET', `/api/v1/projects/${enc(projectId)}/ingest-keys`);

export const rotateIngestKey = (projectId: string, graceHours: number): Promise<{ ingest_key: IngestKey }> =>
  request('POST', `/api/v1/projects/${enc(projectId)}/ingest-keys/rotate`, { grace_hours: graceHours });

export const updateIngestKey = (projectId: string, keyId: string, rateLimitPerMinute: number | null): Promise<IngestKey> =>
  request('PATCH', `/api/v1/projects/${enc(projectId)}/ingest-keys/${enc(keyId)}`, { rate_limit_per_minute: rateLimitPerMinute });

export const retireIngestKey = (projectId: string, keyId: string): Promise<void> =>
  request('DELETE', `/api/v1/projects/${enc(projectId)}/ingest-keys/${enc(keyId)}`);

// Members and invitations

export interface Member {
  user_id: string;
  email: string;
  role: string;
  joined_at: string;
  is_you: boolean;
}

export interface Invitation {
  id: string;
  email: string;
  role: string;
  created_at: string;
  expires_at: string;
  invited_by: { id: string; email: string } | null;
}

export const listMembers = (organizationId: string): Promise<{ members: Member[]; invitations: Invitation[] }> =>
  request('GET', `/api/v1/members?${new URLSearchParams({ organization_id: organizationId })}`);

export const changeRole = (organizationId: string, userId: string, role: string): Promise<Member> =>
  request('PATCH', `/api/v1/members/${enc(userId)}`, { organization_id: organizationId, role });

export const removeMember = (organizationId: string, userId: string): Promise<void> =>
  request('DELETE', `/api/v1/members/${enc(userId)}?${new URLSearchParams({ organization_id: organizationId })}`);

export const invite = (organizationId: string, email: string, role: string): Promise<{ invitation: Invitation; url: string }> =>
  request('POST', '/api/v1/invitations', { organization_id: organizationId, email, role });

export const revokeInvitation = (id: string): Promise<void> => request('DELETE', `/api/v1/invitations/${enc(id)}`);

export const makePasswordResetLink = (organizationId: string, userId: string): Promise<{ url: string; expires_at: string }> =>
  request('POST', `/api/v1/members/${enc(userId)}/password-reset`, { organization_id: organizationId });

// Public pages: invitation and password reset (no login)

export interface InvitationPreview {
  organization: { id: string; name: string };
  email: string;
  role: string;
  expires_at: string;
  account_exists: boolean;
}

export const previewInvitation = (token: string): Promise<InvitationPreview> =>
  request('POST', '/api/v1/auth/invitation', { token });

export const acceptInvitation = (token: string, password: string): Promise<{ user: User }> =>
  request('POST', '/api/v1/auth/accept-invitation', { token, password });

export const resetPassword = (token: string, password: string): Promise<{ user: User }> =>
  request('POST', '/api/v1/auth/reset-password', { token, password });

export const changePassword = (currentPassword: string, newPassword: string): Promise<void> =>
  request('POST', '/api/v1/me/password', { current_password: currentPassword, new_password: newPassword });

// API keys

export interface ApiKey {
  id: string;
  organization_id: string;
  name: string;
  role: string;
  prefix: string;
  created_by: { id: string; email: string } | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const listApiKeys = (): Promise<{ api_keys: ApiKey[] }> => request('GET', '/api/v1/api-keys');

export const createApiKey = (organizationId: string, name: string, role: string): Promise<ApiKey & { secret: string }> =>
  request('POST', '/api/v1/api-keys', { organization_id: organizationId, name, role });

export const revokeApiKey = (id: string): Promise<void> => request('DELETE', `/api/v1/api-keys/${enc(id)}`);

// Audit log

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actor_email: string | null;
  /** An API key's name, for `api_key:` actors. */
  actor_name?: string | null;
  action: string;
  target: string;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export const listAudit = (
  organizationId: string,
  filters: AuditFilters,
  cursor: string | null,
  limit: number,
): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> =>
  request('GET', `/api/v1/audit?${apiQuery(organizationId, filters, { cursor, limit })}`);
