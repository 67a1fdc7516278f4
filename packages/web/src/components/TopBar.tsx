//! The app's top bar: product name (home link), the signed-in user, and log out.

import { useState } from 'preact/hooks';
import { logout } from '../api.ts';
import { navigate, useLocation } from '../router.ts';
import { Link } from './Link.tsx';

export function TopBar({ email }: { email: string | null }) {
  const [busy, setBusy] = useState(false);
  const inSettings = useLocation().pathname.startsWith('/settings');
  const onLogout = async (): Promise<void> => {
    setBusy(true);
    try {
      await logout();
    } catch {
      // The cookie may already be gone; the login page is the right place either way.
    }
    navigate('/login');
  };
  return (
    <header class="topbar">
      <Link href="/" class="topbar__brand">
        <span class="topbar__logo" aria-hidden="true" />
        Tapedeck
      </Link>
      <nav class="topbar__nav">
        <Link href="/" class={inSettings ? 'topbar__link' : 'topbar__link topbar__link--active'}>
          Sessions
        </Link>
        <Link href="/settings/projects" class={inSettings ? 'topbar__link topbar__link--active' : 'topbar__link'}>
          Settings
        </Link>
      </nav>
      {email !== null && (
        <div class="topbar__user">
          <span class="topbar__email" title="Signed in">
            {email}
          </span>
          <button type="button" class="button button--quiet" onClick={onLogout} disabled={busy}>
            Log out
          </button>
        </div>
      )}
    </header>
  );
}
