/**
 * Masking of recorded text and input values (SPEC §5), keeping length and shape so the replay's
 * layout does not move: `maskAllText` (every non-space character, as rrweb does), `maskPiiText`
 * (only emails, card numbers and phone-like numbers) and `maskCardNumbers` (src/luhn.ts). Pure:
 * no DOM.
 */

import { maskCardNumbers } from './luhn';

export { maskCardNumbers };

/** An email address: local part, `@`, a domain with a dot and a 2+ letter top level. */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/**
 * A phone-like number: digits with spaces, dots, dashes or parentheses between them, optionally
 * after `+`. `isPhoneLike` decides on the digit count.
 */
const PHONE = /\+?\(?\d[\d ().-]{5,}\d/g;
/** A phone-like run has this many digits at least with a `+` or `(` in front… */
export const PHONE_MIN_DIGITS_MARKED = 7;
/** …and this many without (so dates like 2024-01-15 stay). */
export const PHONE_MIN_DIGITS_PLAIN = 10;
/** More digits than this is not a phone number (E.164 allows 15). */
export const PHONE_MAX_DIGITS = 15;

/** Returns `text` with every non-space character replaced by `*`. */
export function maskAllText(text: string): string {
  return text.replace(/\S/g, '*');
}

function isPhoneLike(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '').length;
  const marked = candidate.startsWith('+') || candidate.startsWith('(');
  return digits <= PHONE_MAX_DIGITS && digits >= (marked ? PHONE_MIN_DIGITS_MARKED : PHONE_MIN_DIGITS_PLAIN);
}

/**
 * Returns `text` with emails, Luhn-valid card numbers and phone-like numbers masked, each
 * character of them (separators of numbers excepted) replaced by `*`; other text is unchanged.
 */
export function maskPiiText(text: string): string {
  if (!/[\d@]/.test(text)) return text;
  const masked = maskCardNumbers(text).replace(EMAIL, maskAllText);
  return masked.replace(PHONE, (candidate) => (isPhoneLike(candidate) ? candidate.replace(/\d/g, '*') : candidate));
}
