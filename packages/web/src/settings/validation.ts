//! Form checks the settings pages make before asking the server, with the server's limits
//! (crates/api/src/auth/password.rs, crates/core/src/api_keys.rs, the issue 8 API contract).
//! Each returns a sentence for the form, or null when the input is fine. The server checks
//! again; these only spare a round trip and say it in the form's words.

/** Shortest password the server accepts, in characters. */
export const MIN_PASSWORD_CHARS = 8;
/** Longest password the server accepts, in characters. */
export const MAX_PASSWORD_CHARS = 1024;
/** Longest API key name, in characters. */
export const MAX_KEY_NAME_CHARS = 100;
/** Longest project name we send, in characters. */
export const MAX_PROJECT_NAME_CHARS = 100;
/** Ingest key rate limit bounds, in batches per minute. */
export const MIN_RATE_LIMIT = 1;
export const MAX_RATE_LIMIT = 1_000_000;
/** Longest grace period of a key rotation, in hours (30 days). */
export const MAX_GRACE_HOURS = 720;

/** Grace periods offered when rotating an ingest key, in hours. */
export const GRACE_CHOICES: { hours: number; label: string }[] = [
  { hours: 0, label: 'None — old key stops now' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours (default)' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
];

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function chars(text: string): number {
  return [...text].length;
}

/** Checks a new password and its confirmation. */
export function checkNewPassword(password: string, confirm: string): string | null {
  const length = chars(password);
  if (length < MIN_PASSWORD_CHARS) return `Choose a password of at least ${MIN_PASSWORD_CHARS} characters.`;
  if (length > MAX_PASSWORD_CHARS) return `A password may have at most ${MAX_PASSWORD_CHARS} characters.`;
  if (password !== confirm) return 'The two passwords do not match.';
  return null;
}

/** Checks an email address the loose way the server does: something@something.tld, no spaces. */
export function checkEmail(email: string): string | null {
  const trimmed = email.trim();
  if (!trimmed) return 'Enter an email address.';
  if (chars(trimmed) > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) return 'Enter a valid email address, like name@example.com.';
  return null;
}

/** Checks a name (API key, project): trimmed, 1 to `max` characters, no control characters. */
export function checkName(name: string, max: number, what = 'a name'): string | null {
  const trimmed = name.trim();
  if (!trimmed) return `Enter ${what}.`;
  if (chars(trimmed) > max) return `Keep ${what} to ${max} characters or fewer.`;
  if (CONTROL_CHARS.test(trimmed)) return `${what[0]?.toUpperCase()}${what.slice(1)} may not contain control characters.`;
  return null;
}

/**
 * Parses an ingest key's rate limit field: empty means "the server's default" (null), else
 * whole batches per minute from 1 to 1,000,000 (thousands separators allowed).
 */
export function parseRateLimit(text: string): { value: number | null } | { error: string } {
  const trimmed = text.trim().replace(/[,_\s]/g, '');
  if (trimmed === '') return { value: null };
  if (!/^\d+$/.test(trimmed)) return { error: 'Enter whole batches per minute, or leave empty for the default.' };
  const value = Number(trimmed);
  if (value < MIN_RATE_LIMIT || value > MAX_RATE_LIMIT) {
    return { error: `Enter ${MIN_RATE_LIMIT.toLocaleString('en')} to ${MAX_RATE_LIMIT.toLocaleString('en')} batches per minute.` };
  }
  return { value };
}

/** Returns true for a grace period the server accepts, in whole hours. */
export function isGraceHours(hours: number): boolean {
  return Number.isInteger(hours) && hours >= 0 && hours <= MAX_GRACE_HOURS;
}
