//! `/settings/projects`: one card per project of the organization (its keys, snippet, privacy
//! and recording settings), and "New project" for owners and admins.

import { useState } from 'preact/hooks';
import { listProjects, type Organization, type Project } from '../../api.ts';
import { createProject } from '../../settings-api.ts';
import { allows, type Role } from '../../settings/roles.ts';
import { checkName, MAX_PROJECT_NAME_CHARS } from '../../settings/validation.ts';
import { asApiError, useLoad } from '../../use-load.ts';
import { Notice } from '../Notice.tsx';
import { ProjectSettingsCard } from '../ProjectSettingsCard.tsx';
import { SectionHead } from './SettingsLayout.tsx';

export function ProjectsSection({ organization, role }: { organization: Organization; role: Role | null }) {
  const { state, reload, set } = useLoad(() => listProjects(), []);
  const [creating, setCreating] = useState(false);
  const canCreate = allows(role, 'ManageProjects');
  const projects = state.phase === 'ready' ? state.value.projects.filter((p) => p.organization_id === organization.id) : [];
  const regions = state.phase === 'ready' ? (state.value.regions ?? []) : [];

  const onCreated = (project: Project): void => {
    setCreating(false);
    if (state.phase === 'ready') set({ ...state.value, projects: [project, ...state.value.projects] });
  };

  return (
    <>
      <SectionHead title="Projects" text="Ingest keys, allowed origins, privacy and recording rules, sent to every recorder of the project.">
        {canCreate && !creating && (
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            New project
          </button>
        )}
      </SectionHead>
      {creating && <NewProjectForm organizationId={organization.id} regions={regions} onCreated={onCreated} onCancel={() => setCreating(false)} />}
      {state.phase === 'loading' && (
        <div class="settings-card settings-card--loading" aria-busy="true">
          <span class="spinner" /> Loading projects…
        </div>
      )}
      {state.phase === 'error' && (
        <Notice title="Could not load projects" tone="error" onRetry={reload}>
          {state.error.message}
        </Notice>
      )}
      {state.phase === 'ready' && projects.length === 0 && (
        <Notice title="No projects yet">
          <p>{canCreate ? 'Create the first one with "New project".' : 'An owner or admin of the organization can create one.'}</p>
        </Notice>
      )}
      {projects.map((project) => (
        <ProjectSettingsCard key={project.id} project={project} organizationName={null} />
      ))}
    </>
  );
}

interface NewProjectFormProps {
  organizationId: string;
  /** The server's storage regions; a choice is offered only when there is more than one. */
  regions: string[];
  onCreated(p: Project): void;
  onCancel(): void;
}

function NewProjectForm({ organizationId, regions, onCreated, onCancel }: NewProjectFormProps) {
  const [name, setName] = useState('');
  const [region, setRegion] = useState('default');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = checkName(name, MAX_PROJECT_NAME_CHARS, 'a project name');
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      onCreated(await createProject(organizationId, name.trim(), regions.length > 1 ? region : undefined));
    } catch (err) {
      const e = asApiError(err);
      setError(e.code === 'conflict' ? 'A project of that name exists already.' : e.message);
      setBusy(false);
    }
  };
  return (
    <form class="settings-card panel-form" onSubmit={onSubmit} aria-label="New project">
      <div class="panel-form__body">
        <label class="form__field panel-form__grow">
          <span class="form__label">Project name</span>
          <input class="input" value={name} autoFocus placeholder="Checkout web" maxLength={MAX_PROJECT_NAME_CHARS} onInput={(e) => setName(e.currentTarget.value)} />
          <span class="small muted">Usually one per site or app. It gets its own ingest key and settings.</span>
        </label>
        {regions.length > 1 && (
          <label class="form__field">
            <span class="form__label">Storage region</span>
            <select class="input" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
              {regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <span class="small muted">Where its recordings are kept. It cannot change later.</span>
          </label>
        )}
        <div class="panel-form__actions">
          <button type="button" class="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </div>
      {error && (
        <p class="form__error panel-form__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
