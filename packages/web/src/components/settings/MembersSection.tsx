//! `/settings/members`: the organization's members (role select, remove, password reset link)
//! and pending invitations (invite by link, revoke). What each control offers follows the
//! caller's role (settings/roles.ts); viewers and members see the lists read-only.

import { useState } from 'preact/hooks';
import type { Organization } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { changeRole, type Invitation, listMembers, makePasswordResetLink, type Member, removeMember, revokeInvitation } from '../../settings-api.ts';
import { allows, memberControls, type Role, roleLabel } from '../../settings/roles.ts';
import { asApiError, useLoad } from '../../use-load.ts';
import { navigate } from '../../router.ts';
import { Notice } from '../Notice.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { InviteForm } from './InviteForm.tsx';
import { OneTimeSecret } from './OneTimeSecret.tsx';
import { SectionHead } from './SettingsLayout.tsx';

type Shown = { kind: 'invite'; email: string; url: string } | { kind: 'reset'; email: string; url: string; expiresAt: string };

export function MembersSection({ organization, role }: { organization: Organization; role: Role | null }) {
  const { state, reload } = useLoad(() => listMembers(organization.id), [organization.id]);
  const [inviting, setInviting] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canManage = allows(role, 'ManageMembers');

  const run = async (work: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await work();
      reload();
    } catch (err) {
      const e = asApiError(err);
      setError(e.code === 'last_owner' ? 'The organization needs at least one owner: make someone else an owner first.' : e.message);
    }
  };

  const onRemove = (member: Member): Promise<void> =>
    run(async () => {
      await removeMember(organization.id, member.user_id);
      // Leaving the organization takes its settings away: go back to the list.
      if (member.is_you) navigate('/');
    });

  const onReset = (member: Member): Promise<void> =>
    run(async () => {
      const link = await makePasswordResetLink(organization.id, member.user_id);
      setShown({ kind: 'reset', email: member.email, url: link.url, expiresAt: link.expires_at });
    });

  return (
    <>
      <SectionHead title="Members" text={`People who can sign in to ${organization.name}, and what their role lets them do.`}>
        {canManage && !inviting && (
          <button type="button" class="button button--primary" onClick={() => setInviting(true)}>
            Invite member
          </button>
        )}
      </SectionHead>
      {inviting && (
        <InviteForm
          organizationId={organization.id}
          role={role}
          onCancel={() => setInviting(false)}
          onInvited={(email, url) => {
            setInviting(false);
            setShown({ kind: 'invite', email, url });
            reload();
          }}
        />
      )}
      {shown?.kind === 'invite' && (
        <OneTimeSecret title={`Invitation link for ${shown.email}`} value={shown.url} copyLabel="Copy invitation link" onDone={() => setShown(null)}>
          Send this link to {shown.email}. It works once, for 7 days, and is shown only now.
        </OneTimeSecret>
      )}
      {shown?.kind === 'reset' && (
        <OneTimeSecret title={`Password reset link for ${shown.email}`} value={shown.url} copyLabel="Copy reset link" onDone={() => setShown(null)}>
          Send this link to {shown.email}. It works once, until {formatDateTime(shown.expiresAt)}, and is shown only now.
        </OneTimeSecret>
      )}
      {error && (
        <p class="form__error section-error" role="alert">
          {error}
        </p>
      )}
      {!canManage && <p class="read-only-note">You can see who is here; owners and admins change members and roles.</p>}
      {state.phase === 'loading' && (
        <div class="settings-card settings-card--loading" aria-busy="true">
          <span class="spinner" /> Loading members…
        </div>
      )}
      {state.phase === 'error' && (
        <Notice title="Could not load members" tone="error" onRetry={reload}>
          {state.error.message}
        </Notice>
      )}
      {state.phase === 'ready' && (
        <>
          <section class="settings-card" aria-label="Members">
            <table class="data-table">
              <thead>
                <tr>
                  <th>Member</th>
                  <th>Role</th>
                  <th>Joined</th>
                  <th class="data-table__actions" aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {state.value.members.map((member) => (
                  <MemberRow
                    key={member.user_id}
                    member={member}
                    role={role}
                    onRole={(to) => run(() => changeRole(organization.id, member.user_id, to))}
                    onRemove={() => onRemove(member)}
                    onReset={() => onReset(member)}
                  />
                ))}
              </tbody>
            </table>
          </section>
          <Invitations invitations={state.value.invitations} canManage={canManage} onRevoke={(id) => run(() => revokeInvitation(id))} />
        </>
      )}
    </>
  );
}

interface MemberRowProps {
  member: Member;
  role: Role | null;
  onRole(to: string): Promise<void>;
  onRemove(): Promise<void>;
  onReset(): Promise<void>;
}

function MemberRow({ member, role, onRole, onRemove, onReset }: MemberRowProps) {
  const controls = memberControls(role, member);
  const [busy, setBusy] = useState(false);
  const change = async (to: string): Promise<void> => {
    setBusy(true);
    await onRole(to);
    setBusy(false);
  };
  return (
    <tr class={member.is_you ? 'data-table__row--you' : undefined} data-email={member.email}>
      <td>
        <span class="avatar" aria-hidden="true">
          {member.email.charAt(0).toUpperCase()}
        </span>
        <span class="strong">{member.email}</span>
        {member.is_you && <span class="badge badge--accent badge--inline">You</span>}
      </td>
      <td>
        {controls.roles.length > 1 ? (
          <select
            class="input select select--inline"
            aria-label={`Role of ${member.email}`}
            value={member.role}
            disabled={busy}
            onChange={(e) => change(e.currentTarget.value)}
          >
            {controls.roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        ) : (
          <span class={`role role--${member.role}`}>{roleLabel(member.role)}</span>
        )}
      </td>
      <td class="muted">{formatDateTime(member.joined_at)}</td>
      <td class="data-table__actions">
        {controls.canResetPassword && (
          <button type="button" class="button button--small button--quiet" onClick={onReset}>
            Reset password
          </button>
        )}
        {controls.canRemove && (
          <ConfirmButton
            label={member.is_you ? 'Leave' : 'Remove'}
            question={member.is_you ? 'Leave this organization?' : `Remove ${member.email}?`}
            confirmLabel={member.is_you ? 'Leave' : 'Remove'}
            onConfirm={onRemove}
          />
        )}
      </td>
    </tr>
  );
}

function Invitations({ invitations, canManage, onRevoke }: { invitations: Invitation[]; canManage: boolean; onRevoke(id: string): Promise<void> }) {
  return (
    <section class="settings-card" aria-label="Pending invitations">
      <header class="settings-card__head">
        <h2 class="settings-card__title">Pending invitations</h2>
        <span class="muted">{invitations.length === 0 ? 'None' : `${invitations.length} waiting`}</span>
      </header>
      {invitations.length > 0 && (
        <table class="data-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Invited by</th>
              <th>Expires</th>
              <th class="data-table__actions" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-email={invitation.email}>
                <td class="strong">{invitation.email}</td>
                <td>
                  <span class={`role role--${invitation.role}`}>{roleLabel(invitation.role)}</span>
                </td>
                <td class="muted">{invitation.invited_by?.email ?? '—'}</td>
                <td class="muted">{formatDateTime(invitation.expires_at)}</td>
                <td class="data-table__actions">
                  {canManage && (
                    <ConfirmButton label="Revoke" question="Revoke this invitation?" confirmLabel="Revoke" onConfirm={() => onRevoke(invitation.id)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
