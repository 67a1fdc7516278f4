//! The frame of `/settings/…`: the top bar, a left nav of the sections (with the organization
//! switcher when the user has several), and the section's page beside it.

import type { ComponentChildren } from 'preact';
import type { Organization } from '../../api.ts';
import { navigate } from '../../router.ts';
import { type SettingsSection, settingsPath } from '../../routes.ts';
import { roleLabel } from '../../settings/roles.ts';
import { AppShell } from '../AppShell.tsx';
import { Link } from '../Link.tsx';

const SECTION_LABELS: Record<SettingsSection, string> = {
  projects: 'Projects',
  members: 'Members',
  'api-keys': 'API keys',
  audit: 'Audit log',
  account: 'Account',
};

const NAV_ORDER: SettingsSection[] = ['projects', 'members', 'api-keys', 'audit', 'account'];

interface SettingsLayoutProps {
  section: SettingsSection;
  email: string | null;
  organizations: Organization[];
  organization: Organization | null;
  children: ComponentChildren;
}

export function SettingsLayout({ section, email, organizations, organization, children }: SettingsLayoutProps) {
  const orgId = organizations.length > 1 ? (organization?.id ?? null) : null;
  return (
    <AppShell email={email}>
      <div class="settings">
        <aside class="settings__side">
          <p class="settings__side-title">Settings</p>
          {organizations.length > 1 && (
            <label class="settings__org">
              <span class="small muted">Organization</span>
              <select
                class="input select"
                aria-label="Organization"
                value={organization?.id ?? ''}
                onChange={(e) => navigate(settingsPath(section, e.currentTarget.value))}
              >
                {organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {organizations.length === 1 && organization && (
            <p class="settings__org-name">
              <span class="strong">{organization.name}</span>
              <span class="small muted block">Your role: {roleLabel(organization.role)}</span>
            </p>
          )}
          <nav class="settings__nav" aria-label="Settings">
            {NAV_ORDER.map((s) => (
              <Link key={s} href={settingsPath(s, orgId)} class={`settings__link${s === section ? ' settings__link--active' : ''}`}>
                {SECTION_LABELS[s]}
              </Link>
            ))}
          </nav>
          {organizations.length > 1 && organization && (
            <p class="small muted settings__role">Your role here: {roleLabel(organization.role)}</p>
          )}
        </aside>
        <div class="settings__content">{children}</div>
      </div>
    </AppShell>
  );
}

/** The heading of a settings section: a title, one line saying what it is for, and actions. */
export function SectionHead({ title, text, children }: { title: string; text: string; children?: ComponentChildren }) {
  return (
    <div class="section-head">
      <div>
        <h1>{title}</h1>
        <p class="muted section-head__text">{text}</p>
      </div>
      {children && <div class="section-head__actions">{children}</div>}
    </div>
  );
}
