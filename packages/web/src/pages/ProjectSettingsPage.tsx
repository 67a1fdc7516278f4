//! `/settings/projects`: one card per project of the user's organizations, with its ingest key,
//! the script snippet, and its privacy and recording settings (editable by owners and admins).

import { useEffect, useState } from 'preact/hooks';
import { ApiError, listProjects, type Project } from '../api.ts';
import { AccountLoadError } from '../components/AccountLoadError.tsx';
import { AppShell } from '../components/AppShell.tsx';
import { Notice } from '../components/Notice.tsx';
import { ProjectSettingsCard } from '../components/ProjectSettingsCard.tsx';
import { redirectToLogin, useCurrentUser } from '../use-current-user.ts';

type LoadState = { phase: 'loading' } | { phase: 'ready'; projects: Project[] } | { phase: 'error'; error: ApiError };

export function ProjectSettingsPage() {
  const { me, error: meError, retry: retryMe } = useCurrentUser();
  const [state, setState] = useState<LoadState>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!me) return;
    let live = true;
    setState({ phase: 'loading' });
    listProjects().then(
      (answer) => live && setState({ phase: 'ready', projects: answer.projects }),
      (err: unknown) => {
        if (!live) return;
        const error = err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err));
        if (error.status === 401) redirectToLogin();
        else setState({ phase: 'error', error });
      },
    );
    return () => {
      live = false;
    };
  }, [me, attempt]);

  if (meError) return <AccountLoadError error={meError} onRetry={retryMe} />;

  const organizations = me?.organizations ?? [];
  const orgName = (id: string): string | null =>
    organizations.length > 1 ? (organizations.find((o) => o.id === id)?.name ?? null) : null;

  return (
    <AppShell email={me?.user.email ?? null}>
      <div class="page-head">
        <h1>Project settings</h1>
        <span class="muted">Privacy and recording rules, sent to every recorder of the project</span>
      </div>
      {state.phase === 'loading' && (
        <div class="settings-card settings-card--loading" aria-busy="true">
          <span class="spinner" /> Loading projects…
        </div>
      )}
      {state.phase === 'error' && (
        <Notice title="Could not load projects" tone="error" onRetry={() => setAttempt((n) => n + 1)}>
          {state.error.message}
        </Notice>
      )}
      {state.phase === 'ready' && state.projects.length === 0 && (
        <Notice title="No projects yet">
          <p>
            Create one with <code>tapedeck admin create-project --org ORG --name NAME</code>.
          </p>
        </Notice>
      )}
      {state.phase === 'ready' &&
        state.projects.map((project) => (
          <ProjectSettingsCard key={project.id} project={project} organizationName={orgName(project.organization_id)} />
        ))}
    </AppShell>
  );
}
