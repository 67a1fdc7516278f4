//! The "Role" field of the forms that hand out a role (invitations, API keys): only the roles
//! the caller may give.

import { type Role, roleLabel } from '../../settings/roles.ts';

export function RoleField({ roles, value, onChange }: { roles: Role[]; value: Role; onChange(role: Role): void }) {
  return (
    <label class="form__field">
      <span class="form__label">Role</span>
      <select class="input select" aria-label="Role" value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {roleLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
}
