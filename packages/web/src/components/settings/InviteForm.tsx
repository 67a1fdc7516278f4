//! The invite form of the members page: an email and a role (only roles the caller may give);
//! the server answers a one-time link, which the page shows once.

import { useState } from 'preact/hooks';
import { invite } from '../../settings-api.ts';
import { invitableRoles, type Role, ROLE_HINTS, roleLabel } from '../../settings/roles.ts';
import { checkEmail } from '../../settings/validation.ts';
import { asApiError } from '../../use-load.ts';
import { RoleField } from './RoleField.tsx';

interface InviteFormProps {
  organizationId: string;
  role: Role | null;
  onInvited(email: string, url: string): void;
  onCancel(): void;
}

export function InviteForm({ organizationId, role, onInvited, onCancel }: InviteFormProps) {
  const roles = invitableRoles(role);
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>(roles.includes('member') ? 'member' : (roles[roles.length - 1] ?? 'viewer'));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = checkEmail(email);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const answer = await invite(organizationId, email.trim(), inviteRole);
      onInvited(answer.invitation.email, answer.url);
    } catch (err) {
      const e = asApiError(err);
      setError(e.code === 'conflict' ? `${email.trim()} is a member already.` : e.message);
      setBusy(false);
    }
  };

  return (
    <form class="settings-card panel-form" onSubmit={onSubmit} aria-label="Invite member" noValidate>
      <div class="panel-form__body">
        <label class="form__field panel-form__grow">
          <span class="form__label">Email</span>
          <input class="input" type="email" autoFocus placeholder="name@example.com" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <RoleField roles={roles} value={inviteRole} onChange={setInviteRole} />
        <div class="panel-form__actions">
          <button type="button" class="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Creating link…' : 'Create invitation link'}
          </button>
        </div>
      </div>
      <p class="small muted panel-form__hint">
        {roleLabel(inviteRole)}: {ROLE_HINTS[inviteRole]}. You get a link to send them; it works once, for 7 days.
      </p>
      {error && (
        <p class="form__error panel-form__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
