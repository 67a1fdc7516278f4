//! `/invite#TOKEN`: the page an invitation link opens. Shows which organization and role the
//! link is for, then asks for a new password (or, when the email has an account already, that
//! account's password) and joins; the server signs the visitor in.

import { useEffect, useState } from 'preact/hooks';
import { AuthCard, TextField } from '../components/AuthCard.tsx';
import { navigate } from '../router.ts';
import { tokenFromHash } from '../routes.ts';
import { acceptInvitation, type InvitationPreview, previewInvitation } from '../settings-api.ts';
import { roleLabel } from '../settings/roles.ts';
import { checkNewPassword, MIN_PASSWORD_CHARS } from '../settings/validation.ts';
import { asApiError } from '../use-load.ts';

const NO_TOKEN = 'This invitation link is incomplete. Open the whole link you were sent.';
const INVALID = 'This invitation link is no longer valid: it was used, revoked or has expired. Ask for a new one.';

export function InvitePage() {
  const [token] = useState(() => tokenFromHash(location.hash));
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [error, setError] = useState<string | null>(token ? null : NO_TOKEN);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    previewInvitation(token).then(setPreview, (err: unknown) => {
      const e = asApiError(err);
      setError(e.code === 'invalid_invitation' || e.status === 404 ? INVALID : e.message);
    });
  }, [token]);

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!preview) return;
    const problem = preview.account_exists ? null : checkNewPassword(password, confirm);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation(token, password);
      // The link's token is spent; do not keep it in the history.
      navigate('/', { replace: true });
    } catch (err) {
      const e = asApiError(err);
      setError(
        e.code === 'invalid_credentials'
          ? 'That is not the password of this account.'
          : e.code === 'invalid_invitation'
            ? INVALID
            : e.message,
      );
      setBusy(false);
    }
  };

  if (!preview) {
    return (
      <AuthCard title="Join Tapedeck" error={error}>
        {!error && (
          <p class="muted auth__loading">
            <span class="spinner" /> Checking your invitation…
          </p>
        )}
      </AuthCard>
    );
  }

  return (
    <AuthCard title={`Join ${preview.organization.name}`} error={error}>
      <p class="muted">
        You were invited as <strong class="invite__role">{roleLabel(preview.role)}</strong> with <strong>{preview.email}</strong>.
      </p>
      <form onSubmit={onSubmit} class="form">
        {preview.account_exists ? (
          <TextField
            label="Your password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={setPassword}
            hint="This email has a Tapedeck account already: sign in with it to join."
            autofocus
          />
        ) : (
          <>
            <TextField
              label="Choose a password"
              type="password"
              autocomplete="new-password"
              value={password}
              onInput={setPassword}
              hint={`At least ${MIN_PASSWORD_CHARS} characters.`}
              autofocus
            />
            <TextField label="Confirm password" type="password" autocomplete="new-password" value={confirm} onInput={setConfirm} />
          </>
        )}
        <button type="submit" class="button button--primary" disabled={busy || !password || (!preview.account_exists && !confirm)}>
          {busy ? 'Joining…' : `Join ${preview.organization.name}`}
        </button>
      </form>
    </AuthCard>
  );
}
