//! Which organization the settings pages act in: the one named by `?org=` when the user belongs
//! to it, else their first. Pure, so it is unit-tested.

import { parseRole, type Role } from './roles.ts';

export interface OrganizationRef {
  id: string;
  name: string;
  role: string;
}

/** Returns the organization to show, or null when the user belongs to none. */
export function chooseOrganization<T extends OrganizationRef>(organizations: readonly T[], requested: string | null): T | null {
  return organizations.find((o) => o.id === requested) ?? organizations[0] ?? null;
}

/** Returns the caller's role in the organization, or null when unknown. */
export function roleIn(organization: OrganizationRef | null): Role | null {
  return parseRole(organization?.role);
}
