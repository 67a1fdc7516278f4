//! The sessions list's filters as data: every filter `GET /api/v1/sessions` understands (docs/API.md,
//! "Sessions"), with its URL parameter, how it is edited and how it reads on a chip. The list's
//! state lives in the address bar under the API's own parameter names, so a list is linkable and
//! the query string goes to the API as it stands. Pure, unit-tested in test/list-query.test.ts.

/** How a filter's value is entered in its chip's editor. */
export type FilterKind =
  | 'text' // free text, sent as typed (trimmed)
  | 'duration' // seconds; typed as "90", "90s", "2m", "1h30m"
  | 'number' // a non-negative integer (pixels)
  | 'date' // a moment, kept in the URL as RFC 3339
  | 'choice' // one of `choices`
  | 'flag'; // a fixed value (`value`) — the chip is the filter, no editor

export interface FilterDef {
  /** The URL and API query parameter. */
  param: string;
  /** The name in the add-filter menu and on the chip. */
  label: string;
  kind: FilterKind;
  /** For `choice`: the values offered (value, label). For `flag`: the one value it sets. */
  choices?: readonly (readonly [string, string])[];
  /** For `text`: suggested values (a `datalist`); any text is accepted. */
  suggestions?: readonly string[];
  placeholder?: string;
  /** A short explanation under the editor. */
  help?: string;
  /** May occur several times (all must match). */
  repeatable?: boolean;
  /** Only offered (and kept) while this other filter is set. */
  requires?: string;
  /** The menu section. */
  group: 'who' | 'where' | 'when' | 'what' | 'device';
}

/** Every filter, in the order chips are shown and written to the URL. */
export const FILTERS: readonly FilterDef[] = [
  { param: 'user', label: 'User', kind: 'text', group: 'who', placeholder: 'email, name or id (prefix)', help: 'Matches the user id, email or name, case-insensitive, whole or as a prefix.' },
  { param: 'user_id', label: 'User id', kind: 'text', group: 'who', placeholder: 'exact user id' },
  { param: 'ticket', label: 'Ticket', kind: 'text', group: 'who', placeholder: 'ZD-1234', help: 'Sessions linked to this ticket or issue reference (exact).' },
  { param: 'tag', label: 'Tag', kind: 'text', group: 'who', repeatable: true, placeholder: 'vip or plan:pro', help: '"key" matches any value; "key:value" that pair.' },
  { param: 'url', label: 'URL contains', kind: 'text', group: 'where', placeholder: '/checkout', help: 'Any page the user visited, case-insensitive.' },
  { param: 'url_exact', label: 'URL is', kind: 'text', group: 'where', placeholder: 'https://shop.example/cart' },
  { param: 'project_id', label: 'Project', kind: 'text', group: 'where', placeholder: 'project id' },
  { param: 'organization_id', label: 'Organization', kind: 'text', group: 'where', placeholder: 'organization id' },
  { param: 'from', label: 'Started after', kind: 'date', group: 'when' },
  { param: 'to', label: 'Started before', kind: 'date', group: 'when' },
  { param: 'min_duration', label: 'Longer than', kind: 'duration', group: 'when', placeholder: '2m', help: 'Seconds, or with a unit: 90s, 2m, 1h30m.' },
  { param: 'max_duration', label: 'Shorter than', kind: 'duration', group: 'when', placeholder: '10m', help: 'Seconds, or with a unit: 90s, 2m, 1h30m.' },
  { param: 'live', label: 'Live', kind: 'choice', group: 'when', choices: [['true', 'Still recording'], ['false', 'Finished']] },
  { param: 'has_errors', label: 'Errors', kind: 'choice', group: 'what', choices: [['true', 'Has errors'], ['false', 'No errors']] },
  { param: 'has_rage_clicks', label: 'Rage clicks', kind: 'flag', group: 'what', choices: [['true', 'Has rage clicks']] },
  { param: 'console', label: 'Console text', kind: 'text', group: 'what', placeholder: 'TypeError', help: 'Text in any console message.' },
  { param: 'status', label: 'Network status', kind: 'choice', group: 'what', choices: [['5xx', 'Any 5xx'], ['4xx', 'Any 4xx'], ['500', '500'], ['502', '502'], ['503', '503'], ['404', '404'], ['401', '401'], ['403', '403'], ['failed', 'Failed (no answer)']] },
  { param: 'event', label: 'Custom event', kind: 'text', group: 'what', placeholder: 'checkout.completed' },
  { param: 'experiment', label: 'Experiment', kind: 'text', group: 'what', placeholder: 'new-checkout' },
  { param: 'variant', label: 'Variant', kind: 'text', group: 'what', requires: 'experiment', placeholder: 'B' },
  { param: 'browser', label: 'Browser', kind: 'text', group: 'device', suggestions: ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Samsung Internet'] },
  { param: 'os', label: 'OS', kind: 'text', group: 'device', suggestions: ['Windows', 'macOS', 'Linux', 'Android', 'iOS', 'ChromeOS'] },
  { param: 'device', label: 'Device', kind: 'choice', group: 'device', choices: [['desktop', 'Desktop'], ['mobile', 'Mobile'], ['tablet', 'Tablet']] },
  { param: 'min_width', label: 'Viewport ≥', kind: 'number', group: 'device', placeholder: '1024', help: 'Viewport width in pixels.' },
  { param: 'max_width', label: 'Viewport ≤', kind: 'number', group: 'device', placeholder: '767', help: 'Viewport width in pixels.' },
];

export const GROUP_LABELS: Readonly<Record<FilterDef['group'], string>> = {
  who: 'User and links',
  where: 'Pages and project',
  when: 'Time',
  what: 'What happened',
  device: 'Device',
};

const BY_PARAM = new Map(FILTERS.map((f) => [f.param, f]));

/** Returns the definition of filter `param`, if it is one. */
export function filterDef(param: string): FilterDef | undefined {
  return BY_PARAM.get(param);
}

/** The sort keys the API accepts, with their labels; the first is the default. */
export const SORTS: readonly (readonly [string, string])[] = [
  ['started_at', 'Start time'],
  ['duration', 'Duration'],
  ['event_count', 'Events'],
  ['errors', 'Errors'],
];
export const DEFAULT_SORT = 'started_at';
export const DEFAULT_ORDER = 'desc';

/** Values known for some filters at run time (the user's organizations, projects): param → (value, label). */
export type FilterOptions = Readonly<Record<string, readonly (readonly [string, string])[]>>;

/** Returns `def` as a choice among `options[def.param]` when such values are known, else unchanged. */
export function withOptions(def: FilterDef, options: FilterOptions | undefined): FilterDef {
  const choices = options?.[def.param];
  return choices ? { ...def, kind: 'choice', choices } : def;
}

/**
 * The run-time options of the organization and project filters: the user's organizations by
 * name and, once known, their projects (named with their organization when there are several).
 */
export function filterOptions(
  organizations: readonly { id: string; name: string }[],
  projects: readonly { id: string; name: string; organization_id: string }[] | null,
): FilterOptions {
  const orgName = new Map(organizations.map((o) => [o.id, o.name]));
  const options: Record<string, (readonly [string, string])[]> = {
    organization_id: organizations.map((o) => [o.id, o.name] as const),
  };
  if (projects) {
    const several = organizations.length > 1;
    options.project_id = projects.map((p) => [p.id, several ? `${p.name} (${orgName.get(p.organization_id) ?? p.organization_id})` : p.name] as const);
  }
  return options;
}
