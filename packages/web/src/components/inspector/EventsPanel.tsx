//! The Events tab: every timeline entry, filterable by kind; a click seeks there and shows the
//! entry's details as formatted JSON.

import type { RefObject } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { splitUrl } from '../../format.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import { filterByKind, isFailedRequest, kindCounts, kindLabel, type TimelineEntry } from '../../inspector/timeline.ts';
import { Chip, Clock, FollowToggle, JsonView, keepFocus, PanelMessage, RowScroller, Toolbar } from './parts.tsx';
import { useFollow } from './use-follow.ts';

/** Whether an entry is shown in red: an error, a failed request, an error-level console line. */
function isBad(entry: TimelineEntry): boolean {
  if (entry.kind === 'error' || entry.kind === 'rage_click') return true;
  if (entry.kind === 'network') return isFailedRequest(entry.data);
  return entry.kind === 'console' && entry.data.level === 'error';
}

function detailOf(entry: TimelineEntry): string | null {
  const d = entry.data;
  if (entry.kind === 'navigation' && typeof d.url === 'string') return splitUrl(d.url).host || null;
  if (entry.kind === 'note' && typeof d.author === 'string') return d.author;
  if (entry.kind === 'click' && typeof d.x === 'number' && typeof d.y === 'number') return `${Math.round(d.x)}, ${Math.round(d.y)}`;
  return null;
}

export function EventsPanel({
  entries,
  truncated,
  playhead,
  active,
  onSeek,
}: {
  entries: readonly TimelineEntry[];
  truncated: boolean;
  playhead: Playhead;
  active: boolean;
  onSeek(ms: number): void;
}) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const counts = useMemo(() => kindCounts(entries), [entries]);
  const shown = useMemo(() => filterByKind(entries, hidden), [entries, hidden]);
  const times = useMemo(() => shown.map((e) => e.at), [shown]);
  const following = useFollow(times, playhead, active);
  const { follow, setFollow, win } = following;

  const toggle = (kind: string): void => {
    const next = new Set(hidden);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setHidden(next);
  };

  // The list stays mounted even when empty, so `useFollow` keeps its listeners on it.
  return (
    <div class="panel">
      {entries.length === 0 && (
        <PanelMessage title="No events in this session's timeline">
          Clicks, page changes, errors, requests, custom events and notes show up here as the session records them.
        </PanelMessage>
      )}
      <Toolbar hidden={entries.length === 0}>
        <div class="chips" role="group" aria-label="Kinds shown">
          {counts.map(({ kind, count }) => (
            <Chip key={kind} label={kindLabel(kind)} count={count} on={!hidden.has(kind)} tone={kind} onToggle={() => toggle(kind)} />
          ))}
        </div>
        <FollowToggle follow={follow} onChange={setFollow} />
      </Toolbar>
      {truncated && <p class="panel-note">This session has more entries than the timeline keeps; only the earliest are listed.</p>}
      {entries.length > 0 && shown.length === 0 && (
        <PanelMessage title="No events of the kinds selected">
          <button type="button" class="button button--small" onMouseDown={keepFocus} onClick={() => setHidden(new Set())}>
            Show all kinds
          </button>
        </PanelMessage>
      )}
      <RowScroller follow={following} total={shown.length} hidden={shown.length === 0}>
      <ol ref={following.listRef as RefObject<HTMLOListElement>} class="irows" aria-label="Events">
        {shown.slice(win.start, win.end).map((entry) => {
          const open = entry.id === selected;
          const detail = detailOf(entry);
          return (
            <li key={entry.id} class={`irow irow--${entry.kind}${isBad(entry) ? ' irow--bad' : ''}${open ? ' irow--open' : ''}`} data-id={entry.id}>
              <button
                type="button"
                class="irow__main"
                aria-expanded={open}
                onMouseDown={keepFocus}
                onClick={() => {
                  onSeek(entry.at);
                  setSelected(open ? null : entry.id);
                }}
              >
                <Clock ms={entry.at} />
                <span class={`kind kind--${entry.kind}`}>{kindLabel(entry.kind)}</span>
                <span class="irow__label" title={entry.label}>
                  {entry.label || kindLabel(entry.kind)}
                  {detail && <span class="irow__detail"> {detail}</span>}
                </span>
              </button>
              {open && (
                <div class="irow__details">
                  <JsonView value={entry.data} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
      </RowScroller>
    </div>
  );
}
