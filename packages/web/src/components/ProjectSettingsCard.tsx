//! One project's settings card: primary ingest key and snippet with copy buttons, the project's
//! ingest keys, then the privacy and recording settings form. Save sends only what changed; server errors point at their field.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type PrivacyLevel, type Project, updateProjectSettings } from '../api.ts';
import {
  FIELD_LABELS,
  type FieldError,
  type ListField,
  type SettingField,
  type SettingsDraft,
  draftFromProject,
  fieldMessage,
  isSettingField,
  patchFromDraft,
  recorderSnippet,
} from '../project-settings.ts';
import { CopyButton } from './CopyButton.tsx';
import { IngestKeysPanel } from './settings/IngestKeysPanel.tsx';

/** The privacy levels of SPEC §5, each with its one-line meaning. */
const PRIVACY_OPTIONS: { level: PrivacyLevel; title: string; text: string }[] = [
  { level: 'strict', title: 'Strict', text: 'All text and every input masked; images and canvas blocked.' },
  {
    level: 'balanced',
    title: 'Balanced (default)',
    text: 'Personal data in text (emails, phone and card numbers…) masked; all inputs masked except buttons and checkboxes.',
  },
  { level: 'minimal', title: 'Minimal', text: 'Text shown; only passwords, card numbers and one-time codes masked.' },
];

type SaveState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'saved' }
  | { phase: 'error'; message: string; field: SettingField | null };

export function ProjectSettingsCard({ project: initial, organizationName }: { project: Project; organizationName: string | null }) {
  const [project, setProject] = useState(initial);
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFromProject(initial));
  const [save, setSave] = useState<SaveState>({ phase: 'idle' });
  const readOnly = !project.can_manage;
  const pending = patchFromDraft(project, draft);
  const changed = 'error' in pending || Object.keys(pending.patch).length > 0;

  const update = (change: Partial<SettingsDraft>): void => {
    setDraft((d) => ({ ...d, ...change }));
    if (save.phase === 'saved') setSave({ phase: 'idle' });
  };
  const setList = (field: ListField, text: string): void => update({ lists: { ...draft.lists, [field]: text } });

  const showError = (error: FieldError): void =>
    setSave({ phase: 'error', field: error.field, message: `${FIELD_LABELS[error.field]}: ${error.message}` });

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const result = patchFromDraft(project, draft);
    if ('error' in result) return showError(result.error);
    if (Object.keys(result.patch).length === 0) return;
    setSave({ phase: 'saving' });
    try {
      const saved = await updateProjectSettings(project.id, result.patch);
      setProject(saved);
      setDraft(draftFromProject(saved));
      setSave({ phase: 'saved' });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err));
      if (error.code === 'invalid_settings' && isSettingField(error.field)) {
        showError({ field: error.field, message: fieldMessage(error.field, error.message) });
      } else {
        setSave({ phase: 'error', field: null, message: error.message });
      }
    }
  };

  const onDiscard = (): void => {
    setDraft(draftFromProject(project));
    setSave({ phase: 'idle' });
  };

  const errorFor = (field: SettingField): string | null =>
    save.phase === 'error' && save.field === field ? save.message : null;

  const listRow = (field: ListField, help: ComponentChildren, placeholder: string) => (
    <SettingRow id={`${project.id}-${field}`} label={FIELD_LABELS[field]} help={help} error={errorFor(field)}>
      <textarea
        id={`${project.id}-${field}`}
        class="input textarea mono"
        rows={3}
        spellcheck={false}
        placeholder={readOnly ? 'None' : placeholder}
        value={draft.lists[field]}
        onInput={(e) => setList(field, e.currentTarget.value)}
      />
    </SettingRow>
  );

  return (
    <section class="settings-card" aria-label={`Project ${project.name}`} data-project-id={project.id}>
      <header class="settings-card__head">
        <h2 class="settings-card__title">{project.name}</h2>
        {organizationName && <span class="muted">{organizationName}</span>}
        <span class="badge badge--muted" title="Storage region: where its recordings are kept. Fixed when the project was created.">
          Region: {project.region}
        </span>
        {readOnly && <span class="badge badge--muted">Read-only</span>}
      </header>

      <div class="settings-card__section">
        <SettingRow label="Primary ingest key" help="Identifies the project to recorders. It is not a secret: it ships in your pages.">
          <div class="copy-line">
            <code class="copy-line__value mono">{project.ingest_key}</code>
            <CopyButton text={project.ingest_key} label="Copy key" />
          </div>
        </SettingRow>
        <SettingRow label="Recorder snippet" help="Add this line to every page you want to record.">
          <div class="copy-line copy-line--block">
            <pre class="snippet copy-line__value">
              <code>{recorderSnippet(location.origin, project.ingest_key)}</code>
            </pre>
            <CopyButton text={recorderSnippet(location.origin, project.ingest_key)} label="Copy snippet" />
          </div>
        </SettingRow>
      </div>

      <IngestKeysPanel
        projectId={project.id}
        canManage={project.can_manage}
        onRotated={(key) => setProject((p) => ({ ...p, ingest_key: key.key }))}
      />

      <form class="settings-card__form" onSubmit={onSubmit}>
        {readOnly && (
          <p class="settings-card__note">Only owners and admins of the organization can change these settings.</p>
        )}
        <fieldset class="settings-card__section" disabled={readOnly || save.phase === 'saving'}>
          {listRow(
            'allowed_origins',
            <>One per line, as scheme://host[:port]. Recordings from other origins are refused; leave empty to accept every origin.</>,
            'https://shop.example.com',
          )}
          <SettingRow label={FIELD_LABELS.privacy} help="What is masked in the browser before anything is sent." error={errorFor('privacy')}>
            <div class="radio-group" role="radiogroup" aria-label="Privacy level">
              {PRIVACY_OPTIONS.map((option) => (
                <label key={option.level} class={`radio-card${draft.privacy === option.level ? ' radio-card--checked' : ''}`}>
                  <input
                    type="radio"
                    name={`${project.id}-privacy`}
                    value={option.level}
                    checked={draft.privacy === option.level}
                    onChange={() => update({ privacy: option.level })}
                  />
                  <span>
                    <span class="radio-card__title">{option.title}</span>
                    <span class="radio-card__text">{option.text}</span>
                  </span>
                </label>
              ))}
            </div>
          </SettingRow>
          {listRow('mask_selectors', 'CSS selectors, one per line: their text and inputs are masked.', '.account-number')}
          {listRow('block_selectors', 'Elements replaced by an empty box of the same size.', '.chat-widget')}
          {listRow('ignore_selectors', 'Inputs whose typing is not recorded at all.', 'input[name=search]')}
          {listRow(
            'exclude_urls',
            <>
              Pages not recorded at all, one pattern per line. A pattern must match the <strong>whole URL</strong>;{' '}
              <code>*</code> stands for any characters, so <code>https://shop.example.com/account/*</code> covers every
              account page.
            </>,
            'https://shop.example.com/account/*',
          )}
          <SettingRow
            id={`${project.id}-sample`}
            label={FIELD_LABELS.sample_rate}
            help="Share of new sessions that are recorded."
            error={errorFor('sample_rate')}
          >
            <div class="percent-input">
              <input
                id={`${project.id}-sample`}
                class="input"
                type="text"
                inputMode="decimal"
                value={draft.samplePercent}
                onInput={(e) => update({ samplePercent: e.currentTarget.value })}
              />
              <span class="muted">% of sessions</span>
            </div>
          </SettingRow>
          <SettingRow
            id={`${project.id}-retention`}
            label={FIELD_LABELS.retention_days}
            help="Sessions are deleted for good this many days after their last activity (blobs and rows; audited)."
            error={errorFor('retention_days')}
          >
            <div class="percent-input">
              <input
                id={`${project.id}-retention`}
                class="input"
                type="text"
                inputMode="numeric"
                value={draft.retentionDays}
                onInput={(e) => update({ retentionDays: e.currentTarget.value })}
              />
              <span class="muted">days</span>
            </div>
          </SettingRow>
          <SettingRow label="Capture" help="Also record requests and console output (with the same masking)." error={errorFor('capture_network') ?? errorFor('capture_console')}>
            <div class="checks">
              <label class="check">
                <input type="checkbox" checked={draft.captureNetwork} onChange={(e) => update({ captureNetwork: e.currentTarget.checked })} />
                Network requests
              </label>
              <label class="check">
                <input type="checkbox" checked={draft.captureConsole} onChange={(e) => update({ captureConsole: e.currentTarget.checked })} />
                Console messages
              </label>
            </div>
          </SettingRow>
        </fieldset>
        {!readOnly && (
          <footer class="settings-card__foot">
            <span class="settings-card__status" role="status">
              {save.phase === 'saved' && <span class="status-ok">Saved. Recorders pick it up within 10 minutes.</span>}
              {save.phase === 'error' && save.field === null && <span class="status-error">{save.message}</span>}
              {save.phase === 'error' && save.field !== null && (
                <span class="status-error">Not saved: {save.message}</span>
              )}
            </span>
            <button type="button" class="button button--quiet" onClick={onDiscard} disabled={!changed || save.phase === 'saving'}>
              Discard
            </button>
            <button type="submit" class="button button--primary" disabled={!changed || save.phase === 'saving'}>
              {save.phase === 'saving' ? 'Saving…' : 'Save changes'}
            </button>
          </footer>
        )}
      </form>
    </section>
  );
}

export function SettingRow({
  id,
  label,
  help,
  error,
  children,
}: {
  id?: string;
  label: string;
  help?: ComponentChildren;
  error?: string | null;
  children: ComponentChildren;
}) {
  return (
    <div class={`setting-row${error ? ' setting-row--error' : ''}`}>
      <div class="setting-row__label">
        {id ? (
          <label for={id} class="form__label">
            {label}
          </label>
        ) : (
          <span class="form__label">{label}</span>
        )}
        {help && <p class="setting-row__help muted small">{help}</p>}
      </div>
      <div class="setting-row__control">
        {children}
        {error && (
          <p class="setting-row__error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
