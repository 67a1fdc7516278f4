//! `/login`: email and password; on success goes to `?next=` (a local path) or `/`.

import { useState } from 'preact/hooks';
import { ApiError, login } from '../api.ts';
import { AuthCard, TextField } from '../components/AuthCard.tsx';
import { navigate, useLocation } from '../router.ts';
import { safeNextPath } from '../routes.ts';

export function LoginPage() {
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(safeNextPath(search.get('next')), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not sign in. Please try again.');
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in to Tapedeck" error={error}>
      <form onSubmit={onSubmit} class="form">
        <TextField label="Email" type="email" autocomplete="username" value={email} onInput={setEmail} autofocus />
        <TextField label="Password" type="password" autocomplete="current-password" value={password} onInput={setPassword} />
        <button type="submit" class="button button--primary" disabled={busy || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
