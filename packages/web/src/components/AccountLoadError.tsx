//! The page shown when the signed-in account could not be loaded (anything but a 401, which
//! redirects to the login page), with a retry.

import type { ApiError } from '../api.ts';
import { AppShell } from './AppShell.tsx';
import { Notice } from './Notice.tsx';

export function AccountLoadError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <AppShell email={null}>
      <Notice title="Could not load your account" tone="error" onRetry={onRetry}>
        {error.message}
      </Notice>
    </AppShell>
  );
}
