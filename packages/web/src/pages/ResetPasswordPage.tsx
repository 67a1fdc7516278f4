//! `/reset-password#TOKEN`: sets a new password from a one-time link an admin made; the server
//! ends the account's other sign-ins and signs the visitor in.

import { useState } from 'preact/hooks';
import { AuthCard, TextField } from '../components/AuthCard.tsx';
import { navigate } from '../router.ts';
import { tokenFromHash } from '../routes.ts';
import { resetPassword } from '../settings-api.ts';
import { checkNewPassword, MIN_PASSWORD_CHARS } from '../settings/validation.ts';
import { asApiError } from '../use-load.ts';

export function ResetPasswordPage() {
  const [token] = useState(() => tokenFromHash(location.hash));
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(token ? null : 'This reset link is incomplete. Open the whole link you were sent.');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = checkNewPassword(password, confirm);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await resetPassword(token, password);
      navigate('/', { replace: true });
    } catch (err) {
      const e = asApiError(err);
      setError(
        e.code === 'invalid_reset_token' || e.status === 404
          ? 'This reset link is no longer valid: it was used, replaced or has expired. Ask an admin for a new one.'
          : e.message,
      );
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Choose a new password" subtitle="Your other sign-ins will be ended." error={error}>
      <form onSubmit={onSubmit} class="form">
        <TextField
          label="New password"
          type="password"
          autocomplete="new-password"
          value={password}
          onInput={setPassword}
          hint={`At least ${MIN_PASSWORD_CHARS} characters.`}
          autofocus
        />
        <TextField label="Confirm new password" type="password" autocomplete="new-password" value={confirm} onInput={setConfirm} />
        <button type="submit" class="button button--primary" disabled={busy || !token || !password || !confirm}>
          {busy ? 'Saving…' : 'Set password and sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
