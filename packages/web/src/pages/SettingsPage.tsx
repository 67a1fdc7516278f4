//! `/settings/…`: loads who is signed in, picks the organization (`?org=`), and shows the
//! section the address names inside the settings frame.

import { AccountLoadError } from '../components/AccountLoadError.tsx';
import { AccountSection } from '../components/settings/AccountSection.tsx';
import { ApiKeysSection } from '../components/settings/ApiKeysSection.tsx';
import { AuditSection } from '../components/settings/AuditSection.tsx';
import { MembersSection } from '../components/settings/MembersSection.tsx';
import { ProjectsSection } from '../components/settings/ProjectsSection.tsx';
import { SettingsLayout } from '../components/settings/SettingsLayout.tsx';
import { Notice } from '../components/Notice.tsx';
import { useLocation } from '../router.ts';
import type { SettingsSection } from '../routes.ts';
import { chooseOrganization, roleIn } from '../settings/organization.ts';
import { useCurrentUser } from '../use-current-user.ts';

export function SettingsPage({ section }: { section: SettingsSection }) {
  const { me, error, retry } = useCurrentUser();
  const { search } = useLocation();
  if (error) return <AccountLoadError error={error} onRetry={retry} />;
  const organizations = me?.organizations ?? [];
  const organization = chooseOrganization(organizations, search.get('org'));
  const role = roleIn(organization);
  const multiOrg = organizations.length > 1;

  let body;
  if (!me) {
    body = (
      <div class="settings-card settings-card--loading" aria-busy="true">
        <span class="spinner" /> Loading…
      </div>
    );
  } else if (section === 'account') {
    body = <AccountSection me={me} />;
  } else if (!organization) {
    body = <Notice title="You belong to no organization">An owner can invite you to one.</Notice>;
  } else if (section === 'projects') {
    body = <ProjectsSection key={organization.id} organization={organization} role={role} />;
  } else if (section === 'members') {
    body = <MembersSection key={organization.id} organization={organization} role={role} />;
  } else if (section === 'api-keys') {
    body = <ApiKeysSection key={organization.id} organization={organization} role={role} />;
  } else {
    body = <AuditSection key={organization.id} organization={organization} role={role} multiOrg={multiOrg} />;
  }

  return (
    <SettingsLayout section={section} email={me?.user.email ?? null} organizations={organizations} organization={organization}>
      {body}
    </SettingsLayout>
  );
}
