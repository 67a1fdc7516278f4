//! The Console panel's rows: console calls and uncaught errors from the timeline, and the
//! level and text filters over them.

import type { TimelineEntry } from './timeline.ts';

export const CONSOLE_LEVELS = ['error', 'warn', 'info', 'log', 'debug'] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];

/** One line of the Console panel. */
export interface ConsoleRow {
  id: string;
  at: number;
  level: ConsoleLevel;
  message: string;
  stack: string | null;
  /** `file:line:column` of an uncaught error, when known. */
  source: string | null;
  /** `uncaught` for errors thrown or rejected without a handler, else null. */
  origin: 'uncaught' | 'unhandled rejection' | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

function readLevel(value: unknown): ConsoleLevel {
  return CONSOLE_LEVELS.includes(value as ConsoleLevel) ? (value as ConsoleLevel) : 'log';
}

function argText(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

function sourceOf(data: Record<string, unknown>): string | null {
  const file = str(data.source);
  if (!file) return null;
  const line = typeof data.line === 'number' ? `:${data.line}` : '';
  const column = line && typeof data.column === 'number' ? `:${data.column}` : '';
  return `${file}${line}${column}`;
}

/**
 * The console lines of a timeline, in its order: every `console` entry, and every `error`
 * entry that did not come from the console (a console error already has its line; uncaught
 * errors and rejections only have the error entry).
 */
export function consoleRows(entries: readonly TimelineEntry[]): ConsoleRow[] {
  const rows: ConsoleRow[] = [];
  for (const e of entries) {
    if (e.kind === 'console') {
      const args = Array.isArray(e.data.args) ? e.data.args.map(argText) : [];
      rows.push({
        id: e.id,
        at: e.at,
        level: readLevel(e.data.level),
        message: args.length > 0 ? args.join(' ') : e.label,
        stack: str(e.data.stack),
        source: null,
        origin: null,
      });
    } else if (e.kind === 'error' && e.data.kind !== 'console') {
      rows.push({
        id: e.id,
        at: e.at,
        level: 'error',
        message: str(e.data.message) ?? e.label,
        stack: str(e.data.stack),
        source: sourceOf(e.data),
        origin: e.data.kind === 'unhandledrejection' ? 'unhandled rejection' : 'uncaught',
      });
    }
  }
  return rows;
}

/** How many rows each level has (every level present, zero included). */
export function levelCounts(rows: readonly ConsoleRow[]): Record<ConsoleLevel, number> {
  const counts = { error: 0, warn: 0, info: 0, log: 0, debug: 0 };
  for (const row of rows) counts[row.level]++;
  return counts;
}

/**
 * The rows of the `levels` shown whose message, stack or source contains `search` (trimmed,
 * case-insensitive; empty matches everything).
 */
export function filterConsole(rows: readonly ConsoleRow[], levels: ReadonlySet<ConsoleLevel>, search: string): ConsoleRow[] {
  const needle = search.trim().toLowerCase();
  return rows.filter((row) => {
    if (!levels.has(row.level)) return false;
    if (!needle) return true;
    return [row.message, row.stack, row.source].some((text) => text !== null && text.toLowerCase().includes(needle));
  });
}
