//! `/sessions/{id}`: the player with a metadata sidebar, or with `?embed=1` the replay
//! alone at its recorded size. `?t=MS` opens the replay paused at that moment.

import { useEffect, useRef, useState } from 'preact/hooks';
import { PlayerError } from '@tapedeck/player';
import { ApiError, getSession, type Session } from '../api.ts';
import { AppShell } from '../components/AppShell.tsx';
import { DownloadMenu } from '../components/DownloadMenu.tsx';
import { Link } from '../components/Link.tsx';
import { Notice } from '../components/Notice.tsx';
import { SessionSidebar } from '../components/SessionSidebar.tsx';
import { installAutomation, replayHost, SupersededError } from '../replay-host.ts';
import { parseStartTime } from '../routes.ts';
import { useLocation } from '../router.ts';
import { redirectToLogin, useCurrentUser } from '../use-current-user.ts';

type ReplayPhase = { phase: 'loading' } | { phase: 'ready' } | { phase: 'error'; error: unknown };

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** Mounts the replay of `id` into a container and reports its progress. */
function useReplay(id: string, embed: boolean, startAt: number, windowId: string | null) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ReplayPhase>({ phase: 'loading' });
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    installAutomation();
    setState({ phase: 'loading' });
    replayHost.show(id, el, { embed, startAt, windowId }).then(
      () => setState({ phase: 'ready' }),
      (error: unknown) => {
        if (error instanceof SupersededError) return;
        if (error instanceof ApiError && error.status === 401) redirectToLogin();
        else setState({ phase: 'error', error });
      },
    );
    return () => replayHost.release(el);
    // `startAt` only matters when the replay is first mounted, so it is not a dependency.
  }, [id, embed, windowId]);
  return { container, state };
}

function ReplayError({ error }: { error: unknown }) {
  const message =
    error instanceof PlayerError || error instanceof ApiError ? error.message : 'Something went wrong while loading the replay.';
  return (
    <Notice title="This replay cannot be shown" tone="error">
      {message}
    </Notice>
  );
}

function NotFound() {
  return (
    <Notice title="Session not found">
      <p>It may have been deleted by the retention policy, or the link is wrong.</p>
      <p>
        <Link href="/">Back to all sessions</Link>
      </p>
    </Notice>
  );
}

export function SessionPage({ id }: { id: string }) {
  const { search } = useLocation();
  const embed = search.get('embed') === '1';
  const startAt = parseStartTime(search.get('t'));
  const windowId = search.get('window');
  return embed ? (
    <EmbeddedReplay id={id} startAt={startAt} windowId={windowId} />
  ) : (
    <FullReplay id={id} startAt={startAt} windowId={windowId} />
  );
}

function EmbeddedReplay({ id, startAt, windowId }: { id: string; startAt: number; windowId: string | null }) {
  const { container, state } = useReplay(id, true, startAt, windowId);
  useEffect(() => {
    document.documentElement.classList.add('is-embed');
    return () => document.documentElement.classList.remove('is-embed');
  }, []);
  return (
    <div class="embed">
      {state.phase === 'loading' && <p class="embed__status muted">Loading replay…</p>}
      {state.phase === 'error' && (isNotFound(state.error) ? <NotFound /> : <ReplayError error={state.error} />)}
      <div ref={container} class="embed__player" />
    </div>
  );
}

function FullReplay({ id, startAt, windowId }: { id: string; startAt: number; windowId: string | null }) {
  const { me } = useCurrentUser();
  const [session, setSession] = useState<Session | null>(null);
  const [metaError, setMetaError] = useState<unknown>(null);
  const { container, state } = useReplay(id, false, startAt, windowId);

  useEffect(() => {
    let live = true;
    setSession(null);
    setMetaError(null);
    getSession(id).then(
      (value) => live && setSession(value),
      (error: unknown) => live && !(error instanceof ApiError && error.status === 401) && setMetaError(error),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const notFound = isNotFound(metaError) || (state.phase === 'error' && isNotFound(state.error));
  return (
    <AppShell email={me?.user.email ?? null} wide>
      {notFound && <NotFound />}
      {/* Stays mounted while hidden so the replay container outlives a not-found answer. */}
      <div class="replay-page" hidden={notFound}>
          <section class="replay-page__main">
            <div class="replay-page__crumbs">
              <Link href="/">Sessions</Link>
              <span class="muted"> / </span>
              <span class="mono">{id}</span>
              {!notFound && <DownloadMenu sessionId={id} />}
            </div>
            <div class="replay-frame">
              {state.phase === 'loading' && (
                <div class="replay-frame__overlay">
                  <span class="spinner" aria-hidden="true" /> Loading replay…
                </div>
              )}
              {state.phase === 'error' && (
                <div class="replay-frame__overlay">
                  <ReplayError error={state.error} />
                </div>
              )}
              <div ref={container} class="replay-frame__player" />
            </div>
          </section>
          {session ? (
            <SessionSidebar session={session} currentWindow={windowId ?? session.windows?.[0] ?? null} />
          ) : (
            <aside class="sidebar">
              {metaError ? (
                <p class="muted">Details unavailable: {metaError instanceof Error ? metaError.message : 'unknown error'}</p>
              ) : (
                <div class="skeleton-block" aria-hidden="true">
                  <span class="skeleton" style={{ width: '70%' }} />
                  <span class="skeleton" style={{ width: '50%' }} />
                  <span class="skeleton" style={{ width: '60%' }} />
                </div>
              )}
            </aside>
          )}
      </div>
    </AppShell>
  );
}
