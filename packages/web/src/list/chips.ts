//! What a filter chip says, and how a chip's editor turns what was typed into the URL value
//! (durations with units, local dates to RFC 3339). Pure.

import { filterDef, type FilterDef } from './filters.ts';
import type { Filter } from './query.ts';
import { parseTag, tagLabel } from './tags.ts';

/** A chip's text: the filter's name (muted) and its value (bold); `value` is '' for flags. */
export interface ChipText {
  name: string;
  value: string;
}

/** Returns what the chip of `filter` shows (`def`: its definition, with run-time options if any). */
export function chipText(filter: Filter, def: FilterDef | undefined = filterDef(filter.param)): ChipText {
  if (!def) return { name: filter.param, value: filter.value };
  switch (def.kind) {
    case 'flag':
    case 'choice': {
      const label = def.choices?.find(([value]) => value === filter.value)?.[1];
      // A yes/no filter reads as one phrase ("Has errors"); a status or device as "name: value".
      if (def.kind === 'flag' || def.param === 'has_errors' || def.param === 'live') return { name: label ?? `${def.label}: ${filter.value}`, value: '' };
      return { name: def.label, value: label ?? filter.value };
    }
    case 'duration': {
      const seconds = Number(filter.value);
      return { name: def.label, value: Number.isFinite(seconds) ? durationWords(seconds) : filter.value };
    }
    case 'number':
      return { name: def.label, value: /^\d+$/.test(filter.value) ? `${filter.value} px` : filter.value };
    case 'date':
      return { name: def.label, value: dateWords(filter.value) };
    case 'text':
      return { name: def.label, value: def.param === 'tag' ? tagFilterWords(filter.value) : filter.value };
  }
}

/** A chip's whole text, for titles and accessible names ("URL contains /checkout"). */
export function chipTitle(filter: Filter, def?: FilterDef): string {
  const { name, value } = chipText(filter, def);
  return value ? `${name} ${value}` : name;
}

/** Returns seconds as "45 s", "2 min", "1 h 30 min". */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''];
  return parts.filter(Boolean).join(' ');
}

/** Parses "90", "90s", "2m", "2 min", "1h30m", "1.5h" into whole seconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const clean = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!clean) return null;
  if (/^\d+(\.\d+)?$/.test(clean)) return Math.round(Number(clean));
  const unit = /(\d+(?:\.\d+)?)(hours?|h|minutes?|mins?|m|seconds?|secs?|s)/g;
  let total = 0;
  let consumed = 0;
  for (const match of clean.matchAll(unit)) {
    if (match.index !== consumed) return null;
    consumed += match[0].length;
    const n = Number(match[1]);
    const u = (match[2] ?? 's')[0];
    total += n * (u === 'h' ? 3600 : u === 'm' ? 60 : 1);
  }
  return consumed === clean.length ? Math.round(total) : null;
}

/** An RFC 3339 (or millisecond) value as a local "2026-12-01 14:05", or as given when unreadable. */
export function dateWords(value: string): string {
  const date = readDate(value);
  if (!date) return value;
  const local = toDateInput(date.toISOString());
  return local.replace('T', ' ');
}

function readDate(value: string): Date | null {
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** An RFC 3339 value as a `datetime-local` input's value (local time, minutes), '' when unreadable. */
export function toDateInput(value: string): string {
  const date = readDate(value);
  if (!date) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A tag filter ("key" or "key:value") as the tag reads ("key" / "key: value"). */
export function tagFilterWords(value: string): string {
  const { key, value: v } = parseTag(value);
  return tagLabel(key, v);
}

/** The outcome of a chip's editor: the URL value, or why it cannot be used. */
export type EditResult = { value: string } | { error: string };

/** Turns what was typed into filter `def`'s editor into its URL value. */
export function readEditorInput(def: FilterDef, raw: string): EditResult {
  const text = raw.trim();
  if (!text) return { error: 'Enter a value.' };
  switch (def.kind) {
    case 'duration': {
      const seconds = parseDuration(text);
      return seconds === null ? { error: 'Use seconds, or a unit: 90s, 2m, 1h30m.' } : { value: String(seconds) };
    }
    case 'number':
      return /^\d{1,6}$/.test(text) ? { value: String(Number(text)) } : { error: 'Enter a whole number of pixels.' };
    case 'date': {
      // A `datetime-local` value is local time; the URL keeps the moment in UTC.
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? { error: 'Pick a date and time.' } : { value: date.toISOString().replace('.000Z', 'Z') };
    }
    case 'choice':
    case 'flag':
      return def.choices?.some(([value]) => value === text) ? { value: text } : { error: 'Pick one of the options.' };
    case 'text':
      if (def.param === 'tag' && !parseTag(text).key) return { error: 'A tag needs a name before the colon.' };
      return { value: text };
  }
}

/** The text an editor starts with for an existing value (a date back in local time, seconds as typed). */
export function editorInput(def: FilterDef, value: string): string {
  return def.kind === 'date' ? toDateInput(value) : value;
}
