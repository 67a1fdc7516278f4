//! The ingest keys of one project, inside its settings card: every live key with its state
//! (primary, retiring at a time, retired) and rate limit; rotate with a grace period, retire a
//! non-primary key, and edit a key's rate limit (owners and admins).

import { useState } from 'preact/hooks';
import { formatDateTime } from '../../format.ts';
import { listIngestKeys, retireIngestKey, rotateIngestKey, updateIngestKey } from '../../settings-api.ts';
import { type IngestKey, keyState, rateLimitLabel, sortKeys } from '../../settings/ingest-keys.ts';
import { GRACE_CHOICES, parseRateLimit } from '../../settings/validation.ts';
import { asApiError, useLoad } from '../../use-load.ts';
import { ConfirmButton } from './ConfirmButton.tsx';

interface IngestKeysPanelProps {
  projectId: string;
  canManage: boolean;
  /** Called with the new primary key after a rotation, so the snippet above follows. */
  onRotated(key: IngestKey): void;
}

export function IngestKeysPanel({ projectId, canManage, onRotated }: IngestKeysPanelProps) {
  const { state, reload } = useLoad(() => listIngestKeys(projectId), [projectId]);
  const [rotating, setRotating] = useState(false);
  const [grace, setGrace] = useState(24);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await work();
      reload();
    } catch (err) {
      setError(asApiError(err).message);
    }
  };

  const onRotate = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    await run(async () => {
      const { ingest_key } = await rotateIngestKey(projectId, grace);
      onRotated(ingest_key);
      setRotating(false);
    });
    setBusy(false);
  };

  const now = Date.now();
  return (
    <div class="settings-card__section keys" aria-label="Ingest keys">
      <div class="keys__head">
        <div>
          <h3 class="keys__title">Ingest keys</h3>
          <p class="muted small keys__help">
            Rotate to issue a new primary key; the old one keeps working for the grace period so recorders already running finish
            their sessions.
          </p>
        </div>
        {canManage && !rotating && (
          <button type="button" class="button button--small" onClick={() => setRotating(true)}>
            Rotate key…
          </button>
        )}
      </div>
      {rotating && (
        <form class="inline-form" onSubmit={onRotate}>
          <label class="inline-form__field">
            <span class="form__label">Old keys keep working for</span>
            <select class="input select" value={String(grace)} onChange={(e) => setGrace(Number(e.currentTarget.value))}>
              {GRACE_CHOICES.map((c) => (
                <option key={c.hours} value={String(c.hours)}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="button button--primary button--small" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate now'}
          </button>
          <button type="button" class="button button--quiet button--small" onClick={() => setRotating(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p class="status-error small" role="alert">
          {error}
        </p>
      )}
      {state.phase === 'loading' && <p class="muted small">Loading keys…</p>}
      {state.phase === 'error' && (
        <p class="muted small">
          {state.error.status === 404 || state.error.status === 405
            ? 'This server does not list ingest keys yet.'
            : `Could not load the keys: ${state.error.message}`}
        </p>
      )}
      {state.phase === 'ready' && (
        <table class="data-table data-table--compact">
          <thead>
            <tr>
              <th>Key</th>
              <th>State</th>
              <th>Created</th>
              <th>Rate limit</th>
              <th class="data-table__actions" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {sortKeys(state.value.ingest_keys, now).map((key) => (
              <KeyRow
                key={key.id}
                ingestKey={key}
                now={now}
                canManage={canManage}
                onRateLimit={(limit) => run(() => updateIngestKey(projectId, key.id, limit))}
                onRetire={() => run(() => retireIngestKey(projectId, key.id))}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

interface KeyRowProps {
  ingestKey: IngestKey;
  now: number;
  canManage: boolean;
  onRateLimit(limit: number | null): Promise<void>;
  onRetire(): Promise<void>;
}

function KeyRow({ ingestKey: key, now, canManage, onRateLimit, onRetire }: KeyRowProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const state = keyState(key, now);

  const startEdit = (): void => {
    setText(key.rate_limit_per_minute === null ? '' : String(key.rate_limit_per_minute));
    setFieldError(null);
    setEditing(true);
  };
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    const parsed = parseRateLimit(text);
    if ('error' in parsed) return setFieldError(parsed.error);
    await onRateLimit(parsed.value);
    setEditing(false);
  };

  return (
    <tr class={state.kind === 'retired' ? 'data-table__row--dim' : undefined} data-key-id={key.id}>
      <td>
        <code class="mono">{key.key}</code>
      </td>
      <td>
        {state.kind === 'primary' && <span class="badge badge--accent">Primary</span>}
        {state.kind === 'live' && <span class="badge badge--muted">Live</span>}
        {state.kind === 'retiring' && (
          <span class="badge badge--warn" title={state.at}>
            Retires {formatDateTime(state.at)}
          </span>
        )}
        {state.kind === 'retired' && <span class="badge badge--muted">Retired {formatDateTime(state.at)}</span>}
      </td>
      <td class="muted">{formatDateTime(key.created_at)}</td>
      <td>
        {editing ? (
          <form class="rate-form" onSubmit={save}>
            <input
              class="input input--small"
              inputMode="numeric"
              placeholder="Default"
              aria-label="Batches per minute"
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <button type="submit" class="button button--small">
              Save
            </button>
            <button type="button" class="button button--small button--quiet" onClick={() => setEditing(false)}>
              Cancel
            </button>
            {fieldError && <span class="status-error small block">{fieldError}</span>}
          </form>
        ) : (
          <span>
            {rateLimitLabel(key.rate_limit_per_minute)}
            {canManage && state.kind !== 'retired' && (
              <button type="button" class="button--link keys__edit" onClick={startEdit}>
                Edit
              </button>
            )}
          </span>
        )}
      </td>
      <td class="data-table__actions">
        {canManage && state.kind !== 'primary' && state.kind !== 'retired' && (
          <ConfirmButton label="Retire" question="Stop accepting this key now?" confirmLabel="Retire" onConfirm={onRetire} />
        )}
      </td>
    </tr>
  );
}
