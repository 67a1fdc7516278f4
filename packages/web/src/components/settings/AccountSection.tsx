//! `/settings/account`: who you are signed in as, your organizations and roles, and the change
//! password form (which ends your other sign-ins).

import { useState } from 'preact/hooks';
import type { Me } from '../../api.ts';
import { changePassword } from '../../settings-api.ts';
import { roleLabel } from '../../settings/roles.ts';
import { checkNewPassword, MIN_PASSWORD_CHARS } from '../../settings/validation.ts';
import { asApiError } from '../../use-load.ts';
import { SettingRow } from '../ProjectSettingsCard.tsx';
import { SectionHead } from './SettingsLayout.tsx';

export function AccountSection({ me }: { me: Me }) {
  return (
    <>
      <SectionHead title="Account" text="Your sign-in and your password." />
      <section class="settings-card" aria-label="Your account">
        <div class="settings-card__section">
          <SettingRow label="Email" help="You sign in with it.">
            <span class="strong">{me.user.email}</span>
          </SettingRow>
          <SettingRow label="Organizations" help="Your role in each.">
            <ul class="plain-list">
              {me.organizations.map((o) => (
                <li key={o.id}>
                  {o.name} <span class={`role role--${o.role}`}>{roleLabel(o.role)}</span>
                </li>
              ))}
            </ul>
          </SettingRow>
        </div>
      </section>
      <PasswordForm />
    </>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = checkNewPassword(next, confirm);
    if (problem) return setStatus({ ok: false, text: problem });
    setBusy(true);
    setStatus(null);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setStatus({ ok: true, text: 'Password changed. Your other sign-ins have been ended.' });
    } catch (err) {
      const e = asApiError(err);
      setStatus({ ok: false, text: e.code === 'invalid_credentials' ? 'The current password is not right.' : e.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="settings-card" onSubmit={onSubmit} aria-label="Change password">
      <header class="settings-card__head">
        <h2 class="settings-card__title">Change password</h2>
      </header>
      <div class="settings-card__section">
        <SettingRow id="current-password" label="Current password">
          <input id="current-password" class="input input--medium" type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </SettingRow>
        <SettingRow id="new-password" label="New password" help={`At least ${MIN_PASSWORD_CHARS} characters.`}>
          <input id="new-password" class="input input--medium" type="password" autoComplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </SettingRow>
        <SettingRow id="confirm-password" label="Confirm new password">
          <input id="confirm-password" class="input input--medium" type="password" autoComplete="new-password" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
        </SettingRow>
      </div>
      <footer class="settings-card__foot">
        <span class="settings-card__status" role="status">
          {status && <span class={status.ok ? 'status-ok' : 'status-error'}>{status.text}</span>}
        </span>
        <button type="submit" class="button button--primary" disabled={busy || !current || !next || !confirm}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </footer>
    </form>
  );
}
