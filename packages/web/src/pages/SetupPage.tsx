//! `/setup?token=…`: creates the first owner account from the one-time setup link.

import { useState } from 'preact/hooks';
import { ApiError, setupOwner } from '../api.ts';
import { AuthCard, TextField } from '../components/AuthCard.tsx';
import { navigate, useLocation } from '../router.ts';

/** The server's minimum password length (docs/API.md, `invalid_password`). */
const MIN_PASSWORD_LENGTH = 8;

export function SetupPage() {
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(
    token ? null : 'This setup link has no token. Use the full link the server printed when it first started.',
  );
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) {
      setError(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
      return;
    }
    if (password !== confirm) {
      setError('The two passwords do not match.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await setupOwner(token, email.trim(), password);
      navigate('/', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not create the account. Please try again.');
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Welcome to Tapedeck" subtitle="Create the owner account for this server." error={error}>
      <form onSubmit={onSubmit} class="form">
        <TextField label="Email" type="email" autocomplete="username" value={email} onInput={setEmail} autofocus />
        <TextField
          label="Password"
          type="password"
          autocomplete="new-password"
          value={password}
          onInput={setPassword}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        <TextField label="Confirm password" type="password" autocomplete="new-password" value={confirm} onInput={setConfirm} />
        <button type="submit" class="button button--primary" disabled={busy || !token || !email || !password || !confirm}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthCard>
  );
}
