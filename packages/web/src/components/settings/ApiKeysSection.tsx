//! `/settings/api-keys`: the organization's API keys for integrations (scripts, CI, support
//! tools): create with a name and role (the secret is shown once), revoke. Owners and admins
//! with a login only; others see why the page is empty.

import { useState } from 'preact/hooks';
import type { Organization } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey } from '../../settings-api.ts';
import { allows, apiKeyRoles, type Role, ROLE_HINTS, roleLabel } from '../../settings/roles.ts';
import { checkName, MAX_KEY_NAME_CHARS } from '../../settings/validation.ts';
import { asApiError, useLoad } from '../../use-load.ts';
import { Notice } from '../Notice.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { OneTimeSecret } from './OneTimeSecret.tsx';
import { RoleField } from './RoleField.tsx';
import { SectionHead } from './SettingsLayout.tsx';

export function ApiKeysSection({ organization, role }: { organization: Organization; role: Role | null }) {
  const canManage = allows(role, 'ManageApiKeys');
  const { state, reload } = useLoad(() => listApiKeys(), [organization.id], canManage);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onRevoke = async (key: ApiKey): Promise<void> => {
    setError(null);
    try {
      await revokeApiKey(key.id);
      reload();
    } catch (err) {
      setError(asApiError(err).message);
    }
  };

  const head = (
    <SectionHead title="API keys" text="Let scripts, CI jobs and support tools call the API as this organization. Send as Authorization: Bearer tdk_….">
      {canManage && !creating && (
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      )}
    </SectionHead>
  );
  if (!canManage) {
    return (
      <>
        {head}
        <Notice title="Only owners and admins manage API keys">
          <p>Your role in {organization.name} is {roleLabel(role ?? 'none')}. Ask an owner or admin for a key if an integration needs one.</p>
        </Notice>
      </>
    );
  }

  const keys = state.phase === 'ready' ? state.value.api_keys.filter((k) => k.organization_id === organization.id) : [];
  return (
    <>
      {head}
      {creating && (
        <CreateKeyForm
          organizationId={organization.id}
          role={role}
          onCancel={() => setCreating(false)}
          onCreated={(name, value) => {
            setCreating(false);
            setSecret({ name, value });
            reload();
          }}
        />
      )}
      {secret && (
        <OneTimeSecret title={`Secret of "${secret.name}"`} value={secret.value} copyLabel="Copy API key" onDone={() => setSecret(null)}>
          Copy it now and store it in your integration's secrets: Tapedeck keeps only a hash and cannot show it again.
        </OneTimeSecret>
      )}
      {error && (
        <p class="form__error section-error" role="alert">
          {error}
        </p>
      )}
      {state.phase === 'loading' && (
        <div class="settings-card settings-card--loading" aria-busy="true">
          <span class="spinner" /> Loading API keys…
        </div>
      )}
      {state.phase === 'error' && (
        <Notice title="Could not load API keys" tone="error" onRetry={reload}>
          {state.error.message}
        </Notice>
      )}
      {state.phase === 'ready' && keys.length === 0 && !creating && (
        <Notice title="No API keys yet">
          <p>Create one for each integration, with the weakest role it needs, so each can be revoked on its own.</p>
        </Notice>
      )}
      {keys.length > 0 && (
        <section class="settings-card" aria-label="API keys">
          <table class="data-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Role</th>
                <th>Created</th>
                <th>Last used</th>
                <th class="data-table__actions" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} class={key.revoked_at ? 'data-table__row--dim' : undefined} data-key-name={key.name}>
                  <td class="strong">{key.name}</td>
                  <td>
                    <code class="mono">{key.prefix}…</code>
                  </td>
                  <td>
                    <span class={`role role--${key.role}`}>{roleLabel(key.role)}</span>
                  </td>
                  <td class="muted">
                    {formatDateTime(key.created_at)}
                    {key.created_by && <span class="block small">by {key.created_by.email}</span>}
                  </td>
                  <td class="muted">{key.last_used_at ? formatDateTime(key.last_used_at) : 'Never'}</td>
                  <td class="data-table__actions">
                    {key.revoked_at ? (
                      <span class="badge badge--muted" title={key.revoked_at}>
                        Revoked {formatDateTime(key.revoked_at)}
                      </span>
                    ) : (
                      <ConfirmButton label="Revoke" question="Revoke? It stops working at once." confirmLabel="Revoke key" onConfirm={() => onRevoke(key)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

interface CreateKeyFormProps {
  organizationId: string;
  role: Role | null;
  onCreated(name: string, secret: string): void;
  onCancel(): void;
}

function CreateKeyForm({ organizationId, role, onCreated, onCancel }: CreateKeyFormProps) {
  const roles = apiKeyRoles(role);
  const [name, setName] = useState('');
  const [keyRole, setKeyRole] = useState<Role>('viewer');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = checkName(name, MAX_KEY_NAME_CHARS, 'a name');
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const created = await createApiKey(organizationId, name.trim(), keyRole);
      onCreated(created.name, created.secret);
    } catch (err) {
      setError(asApiError(err).message);
      setBusy(false);
    }
  };
  return (
    <form class="settings-card panel-form" onSubmit={onSubmit} aria-label="Create API key">
      <div class="panel-form__body">
        <label class="form__field panel-form__grow">
          <span class="form__label">Name</span>
          <input class="input" autoFocus placeholder="CI export" maxLength={MAX_KEY_NAME_CHARS} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <RoleField roles={roles} value={keyRole} onChange={setKeyRole} />
        <div class="panel-form__actions">
          <button type="button" class="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </div>
      <p class="small muted panel-form__hint">
        {roleLabel(keyRole)}: {ROLE_HINTS[keyRole]}. The key acts as you, never with more than your own role.
      </p>
      {error && (
        <p class="form__error panel-form__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
