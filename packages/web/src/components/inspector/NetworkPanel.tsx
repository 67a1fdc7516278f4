//! The Network tab: the page's requests with a waterfall, method, URL, status (red when it
//! failed), duration and size; filters by status class and text; a click seeks to the request
//! and opens its details.

import type { RefObject } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  filterNetwork,
  formatBytes,
  formatMs,
  networkRows,
  shortUrl,
  statusClass,
  STATUS_CLASSES,
  waterfallBar,
  waterfallPlayhead,
  waterfallScale,
  type StatusClass,
} from '../../inspector/network-rows.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import type { TimelineEntry } from '../../inspector/timeline.ts';
import { Link } from '../Link.tsx';
import { NetworkDetail } from './NetworkDetail.tsx';
import { Chip, FollowToggle, keepFocus, PanelMessage, RowScroller, SearchField, Toolbar } from './parts.tsx';
import { useFollow } from './use-follow.ts';

const ALL_CLASSES: readonly StatusClass[] = [...STATUS_CLASSES, 'other'];
const CLASS_LABELS: Record<StatusClass, string> = { '2xx': '2xx', '3xx': '3xx', '4xx': '4xx', '5xx': '5xx', failed: 'Failed', other: 'Other' };

/** The playhead's line across the waterfall column, moved without re-rendering the rows. */
function WaterfallPlayhead({ playhead, scale }: { playhead: Playhead; scale: { from: number; to: number } }) {
  const line = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const place = (ms: number): void => {
      const at = waterfallPlayhead(ms, scale);
      if (!line.current) return;
      line.current.hidden = at === null;
      if (at !== null) line.current.style.left = `${at}%`;
    };
    place(playhead.get());
    return playhead.subscribe(place);
  }, [playhead, scale]);
  return <div ref={line} class="waterfall-playhead" aria-hidden="true" />;
}

export function NetworkPanel({
  entries,
  sessionStartMs,
  playhead,
  active,
  onSeek,
}: {
  entries: readonly TimelineEntry[];
  sessionStartMs: number | null;
  playhead: Playhead;
  active: boolean;
  onSeek(ms: number): void;
}) {
  // Like the other panels' chips: every class shown at first, a click hides or shows one.
  const [hidden, setHidden] = useState<ReadonlySet<StatusClass>>(new Set());
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const rows = useMemo(() => networkRows(entries, sessionStartMs), [entries, sessionStartMs]);
  const shown = useMemo(() => {
    const classes = new Set(ALL_CLASSES.filter((c) => !hidden.has(c)));
    return filterNetwork(rows, hidden.size === 0 ? new Set() : classes, search);
  }, [rows, hidden, search]);
  const scale = useMemo(() => waterfallScale(shown), [shown]);
  const times = useMemo(() => shown.map((r) => r.start), [shown]);
  const counts = useMemo(() => {
    const c: Record<StatusClass, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, failed: 0, other: 0 };
    for (const row of rows) c[statusClass(row)]++;
    return c;
  }, [rows]);
  const following = useFollow(times, playhead, active);
  const { follow, setFollow, win } = following;
  const detail = selected === null ? null : (rows.find((r) => r.id === selected) ?? null);

  const toggle = (c: StatusClass): void => {
    const next = new Set(hidden);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setHidden(next);
  };

  return (
    <div class={`panel${detail ? ' panel--split' : ''}`}>
      {rows.length === 0 && (
        <PanelMessage title="No network requests were captured">
          <p>
            Requests made with <code>fetch</code> and <code>XMLHttpRequest</code> are recorded when the recorder runs with{' '}
            <code>captureNetwork</code>, or when network capture is switched on in the{' '}
            <Link href="/settings/projects">project settings</Link>.
          </p>
        </PanelMessage>
      )}
      <Toolbar hidden={rows.length === 0}>
        <SearchField value={search} placeholder="Filter by URL, method or status" onInput={setSearch} />
        <div class="chips" role="group" aria-label="Status classes shown">
          {STATUS_CLASSES.filter((c) => counts[c] > 0).map((c) => (
            <Chip
              key={c}
              label={CLASS_LABELS[c]}
              count={counts[c]}
              on={!hidden.has(c)}
              tone={c === 'failed' || c === '4xx' || c === '5xx' ? 'error' : c === '2xx' ? 'ok' : undefined}
              onToggle={() => toggle(c)}
            />
          ))}
        </div>
        <FollowToggle follow={follow} onChange={setFollow} />
      </Toolbar>
      {rows.length > 0 && shown.length === 0 && (
        <PanelMessage title="No requests match the filters">
          <button
            type="button"
            class="button button--small"
            onMouseDown={keepFocus}
            onClick={() => {
              setSearch('');
              setHidden(new Set());
            }}
          >
            Clear the filters
          </button>
        </PanelMessage>
      )}
      <div class="net" hidden={shown.length === 0}>
        <div class="net__head net__grid" aria-hidden="true">
          <span>Status</span>
          <span>Request</span>
          <span class="num">Time</span>
          <span class="num">Size</span>
          <span>Waterfall</span>
        </div>
        <RowScroller follow={following} total={shown.length}>
        <ol ref={following.listRef as RefObject<HTMLOListElement>} class="irows irows--net" aria-label="Network requests">
          {shown.slice(win.start, win.end).map((row) => {
            const url = shortUrl(row.url);
            const bar = waterfallBar(row, scale);
            return (
              <li key={row.id} class={`irow${row.failed ? ' irow--bad' : ''}${row.id === selected ? ' irow--selected' : ''}`} data-id={row.id}>
                <button
                  type="button"
                  class="irow__main net__grid"
                  aria-expanded={row.id === selected}
                  title={row.url}
                  onMouseDown={keepFocus}
                  onClick={() => {
                    onSeek(row.start);
                    setSelected(row.id === selected ? null : row.id);
                  }}
                >
                  <span class="net__status">{row.status === 0 ? 'failed' : row.status}</span>
                  <span class="net__url">
                    <span class="net__method">{row.method}</span> {url.path}
                  </span>
                  <span class="num">{formatMs(row.durationMs)}</span>
                  <span class="num">{formatBytes(row.responseSize)}</span>
                  <span class="net__waterfall">
                    <span class="net__bar" style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
        </RowScroller>
        {/* Same grid as the rows, so the playhead line runs down the waterfall column. */}
        <div class="net__overlay" aria-hidden="true">
          <div class="net__grid">
            <span />
            <span />
            <span />
            <span />
            <span class="net__overlay-cell">
              <WaterfallPlayhead playhead={playhead} scale={scale} />
            </span>
          </div>
        </div>
      </div>
      {detail && <NetworkDetail row={detail} onClose={() => setSelected(null)} onSeek={onSeek} />}
    </div>
  );
}
