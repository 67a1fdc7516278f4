//! The session page's inspector: tabs Events | Console | Network | Info beside the player. A
//! panel stays mounted once opened, so filters, scroll positions and open details survive a
//! switch of tabs. Tab badges count errors and failed requests, so trouble shows at a glance.

import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Session } from '../../api.ts';
import { consoleRows } from '../../inspector/console-rows.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import { isFailedRequest, type Note, type Timeline, type TimelineEntry } from '../../inspector/timeline.ts';
import { errorMessage, type Loadable } from '../../use-session-data.ts';
import { ConsolePanel } from './ConsolePanel.tsx';
import { EventsPanel } from './EventsPanel.tsx';
import { InfoPanel } from './InfoPanel.tsx';
import { NetworkPanel } from './NetworkPanel.tsx';
import { NotesSection } from './NotesSection.tsx';
import { keepFocus, PanelMessage } from './parts.tsx';

export type InspectorTab = 'events' | 'console' | 'network' | 'info';
const TABS: { id: InspectorTab; label: string }[] = [
  { id: 'events', label: 'Events' },
  { id: 'console', label: 'Console' },
  { id: 'network', label: 'Network' },
  { id: 'info', label: 'Info' },
];

export interface InspectorProps {
  session: Loadable<Session>;
  timeline: Loadable<Timeline>;
  /** The timeline's entries with the live notes merged in. */
  entries: readonly TimelineEntry[];
  notes: Loadable<Note[]>;
  currentWindow: string | null;
  userId: string | null;
  role: string | null;
  playhead: Playhead;
  onSeek(ms: number): void;
  onAddNote(at: number, text: string): Promise<Note>;
  onDeleteNote(noteId: string): Promise<void>;
  onRetryTimeline(): void;
  onRetryNotes(): void;
}

function TimelineState({ timeline, what, onRetry }: { timeline: Loadable<Timeline>; what: string; onRetry(): void }) {
  if (timeline.status === 'loading') return <PanelMessage tone="loading" title={`Loading ${what}…`} />;
  if (timeline.status === 'error') {
    return (
      <PanelMessage tone="error" title={`${what[0]?.toUpperCase()}${what.slice(1)} could not be loaded`} onRetry={onRetry}>
        {errorMessage(timeline.error)}
      </PanelMessage>
    );
  }
  return null;
}

export function Inspector(props: InspectorProps) {
  const { timeline, entries, playhead, onSeek } = props;
  const [tab, setTab] = useState<InspectorTab>('events');
  // A panel is built the first time its tab opens (a long session's lists cost something to
  // build), then kept.
  const [opened, setOpened] = useState<ReadonlySet<InspectorTab>>(() => new Set(['events']));
  const open = (id: InspectorTab): void => {
    setTab(id);
    if (!opened.has(id)) setOpened(new Set([...opened, id]));
  };
  const ready = timeline.status === 'ready';
  const badges = useMemo(() => {
    const errors = consoleRows(entries).filter((r) => r.level === 'error').length;
    const failed = entries.filter((e) => e.kind === 'network' && isFailedRequest(e.data)).length;
    return { console: errors, network: failed } as Partial<Record<InspectorTab, number>>;
  }, [entries]);
  const sessionStartMs = props.session.status === 'ready' ? Date.parse(props.session.value.started_at) : Number.NaN;

  const notes = (
    <NotesSection
      notes={props.notes}
      userId={props.userId}
      role={props.role}
      playhead={playhead}
      onSeek={onSeek}
      onAdd={props.onAddNote}
      onDelete={props.onDeleteNote}
      onRetry={props.onRetryNotes}
    />
  );
  const panel = (id: InspectorTab, what: string, body: () => ComponentChildren) => (
    <div role="tabpanel" id={`inspector-${id}`} aria-labelledby={`inspector-tab-${id}`} class="inspector__panel" hidden={tab !== id}>
      {!opened.has(id) ? null : ready ? body() : <TimelineState timeline={timeline} what={what} onRetry={props.onRetryTimeline} />}
    </div>
  );

  return (
    <section class="inspector" aria-label="Inspector">
      <div class="inspector__tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`inspector-tab-${t.id}`}
            aria-controls={`inspector-${t.id}`}
            aria-selected={tab === t.id}
            class={`inspector__tab${tab === t.id ? ' inspector__tab--on' : ''}`}
            onMouseDown={keepFocus}
            onClick={() => open(t.id)}
          >
            {t.label}
            {(badges[t.id] ?? 0) > 0 && <span class="tab-badge">{badges[t.id]}</span>}
          </button>
        ))}
      </div>
      {panel('events', 'the timeline', () => (
        <EventsPanel
          entries={entries}
          truncated={timeline.status === 'ready' && timeline.value.truncated}
          playhead={playhead}
          active={tab === 'events'}
          onSeek={onSeek}
        />
      ))}
      {panel('console', 'the console', () => (
        <ConsolePanel entries={entries} playhead={playhead} active={tab === 'console'} onSeek={onSeek} />
      ))}
      {panel('network', 'the requests', () => (
        <NetworkPanel
          entries={entries}
          sessionStartMs={Number.isFinite(sessionStartMs) ? sessionStartMs : null}
          playhead={playhead}
          active={tab === 'network'}
          onSeek={onSeek}
        />
      ))}
      {/* Info works without the timeline: it falls back to the session's own URL list. */}
      <div role="tabpanel" id="inspector-info" aria-labelledby="inspector-tab-info" class="inspector__panel" hidden={tab !== 'info'}>
        <InfoPanel
          session={props.session}
          currentWindow={props.currentWindow}
          notes={notes}
          role={props.role}
          entries={entries}
          playhead={playhead}
          active={tab === 'info'}
          onSeek={onSeek}
        />
      </div>
    </section>
  );
}
