/**
 * `maskSensitive`: the first, in-browser masking of captured text (URLs, header values, bodies,
 * console arguments, error messages). It replaces the values of secret-looking query parameters,
 * form fields and JSON keys, bearer tokens, and Luhn-valid card numbers with `[masked]`. A
 * deliberately small rule set; the server scrubs again (SPEC §5, issue 4). Pure: no DOM.
 */

import { isLuhnValid } from '../luhn';

export { isLuhnValid };

/** What replaces a masked value. */
export const MASK = '[masked]';

/**
 * Names whose values are masked. Matching is by substring, so `api_key`, `x-auth-token`,
 * `newPassword` and `cardNumber` are caught; over-masking (`author`) is the accepted price.
 */
const SECRET_NAME = /pass(word|wd)?|pwd|token|secret|auth|key|credential|session|cookie|card|cvc|cvv|ssn|signature/i;

/** Returns true when a parameter, field or header named `name` must not be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `"name": value` in JSON (and in serialized console objects). */
const JSON_PAIR = /("((?:[^"\\]|\\.){0,200})"\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false)/g;
/** `name=value` in query strings and form bodies. */
const FORM_PAIR = /(^|[?&;\s])([^=&?#\s]{1,200})=([^&#\s]*)/g;
/** `Bearer <token>` and `Basic <credentials>` anywhere in text. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Digit runs of 13–19 digits, optionally grouped by single spaces or dashes. */
const DIGIT_RUN = /\b\d(?:[ -]?\d){12,18}\b/g;

/** Masks secret-looking values in `text`; see the module comment for the rules. */
export function maskSensitive(text: string): string {
  if (text === '') return text;
  let masked = text.replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${MASK}`);
  masked = masked.replace(JSON_PAIR, (match, prefix: string, name: string) =>
    isSecretName(name) ? `${prefix}"${MASK}"` : match,
  );
  masked = masked.replace(FORM_PAIR, (match, lead: string, name: string, value: string) =>
    value !== '' && isSecretName(safeDecode(name)) ? `${lead}${name}=${MASK}` : match,
  );
  return masked.replace(DIGIT_RUN, (run) => (isLuhnValid(run.replace(/[ -]/g, '')) ? MASK : run));
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
