//! The project settings form as data: a draft of text fields made from a project, and the
//! partial update (only what changed) made from a draft. Pure, so it is unit-tested.

import type { PrivacyLevel, Project, SettingsPatch } from './api.ts';

/** The list settings edited as one entry per line, in form order. */
export const LIST_FIELDS = [
  'allowed_origins',
  'mask_selectors',
  'block_selectors',
  'ignore_selectors',
  'exclude_urls',
] as const;
export type ListField = (typeof LIST_FIELDS)[number];

/** Every setting the form edits, by its JSON key. */
export type SettingField = ListField | 'privacy' | 'sample_rate' | 'capture_network' | 'capture_console' | 'retention_days';

/** Human names of the settings, for labels and error messages. */
export const FIELD_LABELS: Record<SettingField, string> = {
  allowed_origins: 'Allowed origins',
  privacy: 'Privacy level',
  mask_selectors: 'Mask selectors',
  block_selectors: 'Block selectors',
  ignore_selectors: 'Ignore selectors',
  exclude_urls: 'Excluded URLs',
  sample_rate: 'Sample rate',
  capture_network: 'Network capture',
  capture_console: 'Console capture',
  retention_days: 'Retention',
};

/** The longest retention the server accepts, in days (ten years). */
export const MAX_RETENTION_DAYS = 3650;

/** The form's state: lists as textarea text, the sample rate as a percentage string. */
export interface SettingsDraft {
  privacy: PrivacyLevel;
  lists: Record<ListField, string>;
  samplePercent: string;
  captureNetwork: boolean;
  captureConsole: boolean;
  retentionDays: string;
}

/** A problem with one setting, by its JSON key. */
export interface FieldError {
  field: SettingField;
  message: string;
}

/** Returns the non-empty, trimmed lines of a textarea. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Returns a list as textarea text, one entry per line. */
export function formatLines(list: readonly string[]): string {
  return list.join('\n');
}

/** Returns a rate from 0 to 1 as a percentage without float noise (0.125 → "12.5"). */
export function formatPercent(rate: number): string {
  return String(Math.round(rate * 100_000) / 1_000);
}

/** Returns the rate (0–1) of a percentage string, or null when it is not a number from 0 to 100. */
export function parsePercent(text: string): number | null {
  const trimmed = text.trim().replace(/%$/, '').trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < 0 || value > 100) return null;
  return Math.round(value * 1_000) / 100_000;
}

function listOf(project: Project, field: ListField): string[] {
  return field === 'allowed_origins' ? project.allowed_origins : project.settings[field];
}

/** Returns the form state showing a project's saved settings. */
export function draftFromProject(project: Project): SettingsDraft {
  const lists = Object.fromEntries(LIST_FIELDS.map((field) => [field, formatLines(listOf(project, field))])) as Record<
    ListField,
    string
  >;
  return {
    privacy: project.settings.privacy,
    lists,
    samplePercent: formatPercent(project.settings.sample_rate),
    captureNetwork: project.settings.capture_network,
    captureConsole: project.settings.capture_console,
    retentionDays: String(project.settings.retention_days),
  };
}

/** Returns whole days from 1 to the maximum, or null for anything else. */
export function parseRetentionDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days >= 1 && days <= MAX_RETENTION_DAYS ? days : null;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * Returns the update that turns the project's saved settings into the draft: only fields that
 * changed (so two admins editing different fields do not undo each other), or the first field
 * the form can already tell is wrong.
 */
export function patchFromDraft(project: Project, draft: SettingsDraft): { patch: SettingsPatch } | { error: FieldError } {
  const patch: SettingsPatch = {};
  if (draft.privacy !== project.settings.privacy) patch.privacy = draft.privacy;
  for (const field of LIST_FIELDS) {
    const list = parseLines(draft.lists[field]);
    if (!sameList(list, listOf(project, field))) patch[field] = list;
  }
  const rate = parsePercent(draft.samplePercent);
  if (rate === null) return { error: { field: 'sample_rate', message: 'enter a percentage from 0 to 100' } };
  if (rate !== project.settings.sample_rate) patch.sample_rate = rate;
  if (draft.captureNetwork !== project.settings.capture_network) patch.capture_network = draft.captureNetwork;
  if (draft.captureConsole !== project.settings.capture_console) patch.capture_console = draft.captureConsole;
  const days = parseRetentionDays(draft.retentionDays);
  if (days === null) return { error: { field: 'retention_days', message: `enter whole days from 1 to ${MAX_RETENTION_DAYS}` } };
  if (days !== project.settings.retention_days) patch.retention_days = days;
  return { patch };
}

/** Returns true when a field name from the server is one the form shows. */
export function isSettingField(field: string | undefined): field is SettingField {
  return field !== undefined && Object.hasOwn(FIELD_LABELS, field);
}

/** Returns the server's message for a field without its `field: ` prefix. */
export function fieldMessage(field: string, message: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Returns the script tag that records a site into the project. */
export function recorderSnippet(origin: string, ingestKey: string): string {
  return `<script src="${origin}/sdk/tapedeck.js" data-project="${ingestKey}" async></script>`;
}
