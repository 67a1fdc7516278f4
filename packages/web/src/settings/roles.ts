//! The role policy as the settings pages need it, mirroring `crates/core/src/policy.rs`, so the
//! pages hide or disable what the server would refuse anyway. The server stays the authority:
//! a control shown here by mistake only earns a 403.

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

/** The roles, strongest first (the order of every role select). */
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

/** What a role is for, one line each, for selects and hints. */
export const ROLE_HINTS: Record<Role, string> = {
  owner: 'Everything, including granting and taking away the owner role',
  admin: 'Manages projects, members, API keys; reads the audit log',
  member: 'Watches recordings; adds notes, tags and ticket links',
  viewer: 'Watches recordings, read-only',
};

/** The actions of the policy the settings pages ask about. */
export type Action = 'ViewProjects' | 'ManageProjects' | 'ViewMembers' | 'ManageMembers' | 'ManageOwners' | 'ManageApiKeys' | 'ViewAudit';

const MINIMUM_ROLE: Record<Action, Role> = {
  ViewProjects: 'viewer',
  ViewMembers: 'viewer',
  ManageProjects: 'admin',
  ManageMembers: 'admin',
  ManageApiKeys: 'admin',
  ViewAudit: 'admin',
  ManageOwners: 'owner',
};

/** Returns the role named by the server, or null for a name this app does not know. */
export function parseRole(name: string | null | undefined): Role | null {
  return ROLES.find((role) => role === name) ?? null;
}

/** Returns the role's rank: viewer 0 … owner 3. */
export function rank(role: Role): number {
  return ROLES.length - 1 - ROLES.indexOf(role);
}

/** Returns true when the role may do the action (`policy::allows`). Unknown roles may nothing. */
export function allows(role: Role | null, action: Action): boolean {
  return role !== null && rank(role) >= rank(MINIMUM_ROLE[action]);
}

/**
 * Returns true when `actor` may move a member from `from` to `to` (null = not a member: an
 * invitation when `from` is null, a removal when `to` is null) — `policy::may_change_membership`.
 */
export function mayChangeMembership(actor: Role | null, from: Role | null, to: Role | null): boolean {
  const touchesOwner = from === 'owner' || to === 'owner';
  return allows(actor, 'ManageMembers') && (!touchesOwner || allows(actor, 'ManageOwners'));
}

/** Returns the roles the actor may invite people with, strongest first. */
export function invitableRoles(actor: Role | null): Role[] {
  return ROLES.filter((role) => mayChangeMembership(actor, null, role));
}

/** Returns the roles the actor may give an API key: at most their own (docs/API.md "API keys"). */
export function apiKeyRoles(actor: Role | null): Role[] {
  if (!allows(actor, 'ManageApiKeys') || actor === null) return [];
  return ROLES.filter((role) => rank(role) <= rank(actor));
}

/** What the caller may do to one member row. */
export interface MemberControls {
  /** Roles the select offers (always including the current one); one entry means read-only. */
  roles: Role[];
  canRemove: boolean;
  canResetPassword: boolean;
}

/**
 * Returns the controls of one member's row for the actor. One's own row offers no password
 * reset (the Account page changes one's password) and no self-demotion away from the select's
 * rules; removing oneself is "leave", which the server allows, so it stays.
 */
export function memberControls(actor: Role | null, member: { role: string; is_you: boolean }): MemberControls {
  const current = parseRole(member.role);
  if (current === null) return { roles: [], canRemove: false, canResetPassword: false };
  const roles = ROLES.filter((to) => to === current || mayChangeMembership(actor, current, to));
  return {
    roles,
    // Anyone may leave (the server refuses only a last owner); removing others is managing them.
    canRemove: member.is_you || mayChangeMembership(actor, current, null),
    canResetPassword: !member.is_you && mayChangeMembership(actor, current, current),
  };
}

/** Returns a role's display name ("Owner"). */
export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}
