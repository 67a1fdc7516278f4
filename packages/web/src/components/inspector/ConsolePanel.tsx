//! The Console tab: the page's console output and uncaught errors, by level, searchable, with
//! collapsible stack traces; a click seeks to the line.

import type { RefObject } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { CONSOLE_LEVELS, consoleRows, filterConsole, levelCounts, type ConsoleLevel } from '../../inspector/console-rows.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import type { TimelineEntry } from '../../inspector/timeline.ts';
import { Link } from '../Link.tsx';
import { Chip, Clock, FollowToggle, keepFocus, PanelMessage, RowScroller, SearchField, Toolbar } from './parts.tsx';
import { useFollow } from './use-follow.ts';

const LEVEL_LABELS: Record<ConsoleLevel, string> = { error: 'Errors', warn: 'Warnings', info: 'Info', log: 'Logs', debug: 'Debug' };

export function ConsolePanel({
  entries,
  playhead,
  active,
  onSeek,
}: {
  entries: readonly TimelineEntry[];
  playhead: Playhead;
  active: boolean;
  onSeek(ms: number): void;
}) {
  const [levels, setLevels] = useState<ReadonlySet<ConsoleLevel>>(new Set(CONSOLE_LEVELS));
  const [search, setSearch] = useState('');
  const rows = useMemo(() => consoleRows(entries), [entries]);
  const counts = useMemo(() => levelCounts(rows), [rows]);
  const shown = useMemo(() => filterConsole(rows, levels, search), [rows, levels, search]);
  const times = useMemo(() => shown.map((r) => r.at), [shown]);
  const following = useFollow(times, playhead, active);
  const { follow, setFollow, win } = following;

  const toggle = (level: ConsoleLevel): void => {
    const next = new Set(levels);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    setLevels(next);
  };

  return (
    <div class="panel">
      {rows.length === 0 && (
        <PanelMessage title="No console output was captured">
          <p>
            Console logs and uncaught errors are recorded when the recorder runs with <code>captureConsole</code>, or when
            console capture is switched on in the <Link href="/settings/projects">project settings</Link>.
          </p>
        </PanelMessage>
      )}
      <Toolbar hidden={rows.length === 0}>
        <SearchField value={search} placeholder="Search the console" onInput={setSearch} />
        <div class="chips" role="group" aria-label="Levels shown">
          {CONSOLE_LEVELS.filter((level) => counts[level] > 0 || level === 'error' || level === 'warn').map((level) => (
            <Chip key={level} label={LEVEL_LABELS[level]} count={counts[level]} on={levels.has(level)} tone={level} onToggle={() => toggle(level)} />
          ))}
        </div>
        <FollowToggle follow={follow} onChange={setFollow} />
      </Toolbar>
      {rows.length > 0 && shown.length === 0 && (
        <PanelMessage title={search.trim() ? `Nothing in the console matches “${search.trim()}”` : 'No lines of the levels selected'}>
          <button
            type="button"
            class="button button--small"
            onMouseDown={keepFocus}
            onClick={() => {
              setSearch('');
              setLevels(new Set(CONSOLE_LEVELS));
            }}
          >
            Clear the filters
          </button>
        </PanelMessage>
      )}
      <RowScroller follow={following} total={shown.length} hidden={shown.length === 0}>
      <ol ref={following.listRef as RefObject<HTMLOListElement>} class="irows irows--console" aria-label="Console">
        {shown.slice(win.start, win.end).map((row) => (
          <li key={row.id} class={`irow irow--level-${row.level}`} data-id={row.id}>
            <button type="button" class="irow__main" onMouseDown={keepFocus} onClick={() => onSeek(row.at)}>
              <Clock ms={row.at} />
              <span class={`level level--${row.level}`} aria-label={row.level}>
                {row.level}
              </span>
              <span class="irow__message">
                {row.origin && !/^uncaught\b/i.test(row.message) && (
                  <span class="irow__origin">{row.origin === 'uncaught' ? 'Uncaught' : 'Unhandled rejection'} </span>
                )}
                {row.message}
              </span>
            </button>
            {(row.stack || row.source) && (
              <details class="irow__stack">
                <summary onMouseDown={keepFocus}>{row.source ?? 'Stack trace'}</summary>
                {row.stack && <pre>{row.stack}</pre>}
              </details>
            )}
          </li>
        ))}
      </ol>
      </RowScroller>
    </div>
  );
}
