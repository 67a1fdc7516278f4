//! `/sessions/{id}`: the player beside the inspector (events, console, network, info and
//! notes, all following the playhead), or with `?embed=1` the replay alone at its recorded
//! size. `?t=MS` opens the replay paused at that moment.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { AppShell } from '../components/AppShell.tsx';
import { Inspector } from '../components/inspector/Inspector.tsx';
import { InspectorResizer, useInspectorWidth } from '../components/InspectorResizer.tsx';
import { Link } from '../components/Link.tsx';
import { Notice } from '../components/Notice.tsx';
import { SessionToolbar } from '../components/SessionToolbar.tsx';
import { roleIn } from '../inspector/note-rules.ts';
import { createPlayhead } from '../inspector/playhead.ts';
import { inWindow, markersFor, withNotes, type InactiveSpan, type TimelineEntry } from '../inspector/timeline.ts';
import { connectPlayhead, pushTimeline, seekTo } from '../player-link.ts';
import { installAutomation, replayHost, SupersededError } from '../replay-host.ts';
import { useSessionData } from '../use-session-data.ts';
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

/**
 * The player's own errors (`PlayerError`, by name: the player is a chunk loaded with the replay,
 * so this page does not import its class).
 */
function isPlayerError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'PlayerError';
}

function ReplayError({ error }: { error: unknown }) {
  const message =
    isPlayerError(error) || error instanceof ApiError ? error.message : 'Something went wrong while loading the replay.';
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
  const data = useSessionData(id, windowId);
  const { container, state } = useReplay(id, false, startAt, windowId);
  const playhead = useMemo(() => createPlayhead(startAt), []);
  const [inspectorWidth, setInspectorWidth] = useInspectorWidth();
  useEffect(() => connectPlayhead(playhead), [playhead]);

  const session = data.session.status === 'ready' ? data.session.value : null;
  const notes = data.notes.status === 'ready' ? data.notes.value : null;
  const timelineEntries = data.timeline.status === 'ready' ? data.timeline.value.entries : EMPTY;
  // The tab the player shows: without `?window=` the host replays the first one recorded.
  const currentWindow = windowId ?? session?.windows?.[0] ?? null;
  const shownWindow = (session?.windows?.length ?? 0) > 1 ? currentWindow : null;
  const entries = useMemo(
    () => withNotes(inWindow(timelineEntries, shownWindow), notes),
    [timelineEntries, shownWindow, notes],
  );
  const inactive = data.timeline.status === 'ready' ? data.timeline.value.inactive : EMPTY_SPANS;

  // The player draws markers and shades inactive spans once it and the timeline are both there;
  // notes added later move in as markers too.
  useEffect(() => {
    if (state.phase !== 'ready' || data.timeline.status !== 'ready') return;
    pushTimeline({ markers: markersFor(entries), inactive });
  }, [state.phase, data.timeline.status, entries, inactive]);

  const onSeek = useCallback((ms: number) => seekTo(playhead, ms), [playhead]);
  const role = me ? roleIn(me.organizations, session?.organization_id) : null;

  const notFound = (data.session.status === 'error' && isNotFound(data.session.error)) || (state.phase === 'error' && isNotFound(state.error));
  return (
    <AppShell email={me?.user.email ?? null} wide>
      {notFound && <NotFound />}
      {/* Stays mounted while hidden so the replay container outlives a not-found answer. */}
      <div class="replay-page" hidden={notFound} data-player-shortcuts="">
        <SessionToolbar id={id} session={session} windowId={windowId} playhead={playhead} showDownload={!notFound} />
        <div class="replay-page__body" style={{ '--inspector-width': `${inspectorWidth}px` }}>
          <section class="replay-page__main" aria-label="Replay">
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
          <InspectorResizer width={inspectorWidth} onResize={setInspectorWidth} />
          <Inspector
            session={data.session}
            timeline={data.timeline}
            entries={entries}
            notes={data.notes}
            currentWindow={currentWindow}
            userId={me?.user.id ?? null}
            role={role}
            playhead={playhead}
            onSeek={onSeek}
            onAddNote={data.addNote}
            onDeleteNote={data.removeNote}
            onRetryTimeline={data.retryTimeline}
            onRetryNotes={data.retryNotes}
          />
        </div>
      </div>
    </AppShell>
  );
}

const EMPTY: TimelineEntry[] = [];
const EMPTY_SPANS: InactiveSpan[] = [];
