/**
 * Maps a privacy level (SPEC §5) and the masking selectors to rrweb record options, and decides
 * which inputs are sensitive at every level. First layer only; the server scrubs again.
 *
 * rrweb only offers "mask all text under a selector", so every text node goes through our
 * `maskTextFn` (`maskTextSelector: '*'`), which picks the masking per node: a mask selector or
 * attribute masks everything, an unmask one reveals all but card numbers, otherwise the level
 * decides. Inputs likewise go through `maskInputFn`. Masking keeps length and shape.
 * Pure: elements are read through `getAttribute` and `closest`, no DOM globals.
 */

import type { record } from '@rrweb/record';
import type { PrivacyLevel } from './config';
import { maskAllText, maskCardNumbers, maskPiiText } from './privacy-text';

type RecordOptions = NonNullable<Parameters<typeof record>[0]>;

/** The rrweb options the privacy level sets. */
export type PrivacyRecordOptions = Pick<
  RecordOptions,
  | 'maskAllInputs'
  | 'maskInputOptions'
  | 'maskInputFn'
  | 'maskTextSelector'
  | 'maskTextFn'
  | 'blockSelector'
  | 'ignoreSelector'
  | 'recordCanvas'
>;

export interface PrivacySelectors {
  maskSelectors: readonly string[];
  blockSelectors: readonly string[];
  ignoreSelectors: readonly string[];
  /** Text and inputs inside these are shown at every level (card numbers and secrets excepted). */
  unmaskSelectors?: readonly string[];
  /** Record canvas content (default `false`); blocked canvases are never recorded. */
  recordCanvas?: boolean;
}

export const MASK_ATTRIBUTE_SELECTOR = '[data-tapedeck-mask]';
export const BLOCK_ATTRIBUTE_SELECTOR = '[data-tapedeck-block]';
/** rrweb matches the ignore selector on the input itself; the attribute also covers descendants. */
export const IGNORE_ATTRIBUTE_SELECTOR = '[data-tapedeck-ignore],[data-tapedeck-ignore] *';
export const UNMASK_ATTRIBUTE_SELECTOR = '[data-tapedeck-unmask]';
/** Media the `strict` level does not record (a placeholder of their size is). */
export const STRICT_BLOCK_SELECTOR = 'img,canvas,video';

/** The element surface `isSensitiveInput` reads. */
export interface AttributeReader {
  getAttribute(name: string): string | null;
}

/** The element surface the maskers read. */
export interface MaskedElement extends AttributeReader {
  closest(selector: string): unknown;
}

const CARD_NAME_PATTERN = /(card.?(num|no|code)|cc.?(num|no)|cvc|cvv|csc|security.?code)/i;

/**
 * Returns true for an input that is masked at every level: passwords (also one rrweb saw as a
 * password before a "show password" toggle), autocomplete `cc-*`, `one-time-code`,
 * `current-password`/`new-password`, and names or ids that look like card fields.
 */
export function isSensitiveInput(element: AttributeReader): boolean {
  if ((element.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
  if (element.getAttribute('data-rr-is-password') !== null) return true;
  const tokens = (element.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/);
  if (
    tokens.some(
      (token) =>
        token.startsWith('cc-') ||
        token === 'one-time-code' ||
        token === 'current-password' ||
        token === 'new-password',
    )
  ) {
    return true;
  }
  for (const attribute of ['name', 'id']) {
    const value = element.getAttribute(attribute);
    if (value !== null && CARD_NAME_PATTERN.test(value)) return true;
  }
  return false;
}

/** What the selectors say about an element: masked, unmasked, or up to the level. */
type Override = 'mask' | 'unmask' | null;

/** A mask selector wins over an unmask one; an element no selector can be checked on is masked. */
function override(element: MaskedElement | null, mask: string, unmask: string): Override {
  if (element === null) return null;
  try {
    if (element.closest(mask) !== null) return 'mask';
    if (element.closest(unmask) !== null) return 'unmask';
  } catch {
    return 'mask';
  }
  return null;
}

function stars(text: string): string {
  return '*'.repeat(text.length);
}

/** Returns the `maskTextFn` of `level`: called for every recorded text node. */
export function textMasker(
  level: PrivacyLevel,
  mask: string,
  unmask: string,
): (text: string, element: MaskedElement | null) => string {
  return (text, element) => {
    const rule = override(element, mask, unmask);
    if (rule === 'mask') return maskAllText(text);
    if (rule === 'unmask' || level === 'minimal') return maskCardNumbers(text);
    return level === 'strict' ? maskAllText(text) : maskPiiText(text);
  };
}

/** Returns the `maskInputFn` of `level`: called for every input value rrweb is told to mask. */
export function inputMasker(
  level: PrivacyLevel,
  mask: string,
  unmask: string,
): (text: string, element: MaskedElement) => string {
  return (text, element) => {
    if (isSensitiveInput(element)) return stars(text);
    const rule = override(element, mask, unmask);
    if (rule === 'mask') return stars(text);
    if (rule === 'unmask' || level === 'minimal') return maskCardNumbers(text);
    return stars(text);
  };
}

function joinSelectors(selectors: readonly string[]): string {
  return selectors.join(',');
}

/** Returns the rrweb masking options for `level` with the given extra selectors. */
export function privacyRecordOptions(level: PrivacyLevel, selectors: PrivacySelectors): PrivacyRecordOptions {
  const mask = joinSelectors([MASK_ATTRIBUTE_SELECTOR, ...selectors.maskSelectors]);
  const unmask = joinSelectors([UNMASK_ATTRIBUTE_SELECTOR, ...(selectors.unmaskSelectors ?? [])]);
  const block = [BLOCK_ATTRIBUTE_SELECTOR, ...selectors.blockSelectors];
  const common = {
    // Every text node reaches maskTextFn, which decides (see the module comment).
    maskTextSelector: '*',
    maskTextFn: textMasker(level, mask, unmask),
    maskInputFn: inputMasker(level, mask, unmask),
    blockSelector: joinSelectors(level === 'strict' ? [STRICT_BLOCK_SELECTOR, ...block] : block),
    ignoreSelector: joinSelectors([IGNORE_ATTRIBUTE_SELECTOR, ...selectors.ignoreSelectors]),
    recordCanvas: selectors.recordCanvas === true,
  };
  if (level !== 'minimal') return { ...common, maskAllInputs: true };
  return {
    ...common,
    maskAllInputs: false,
    // rrweb calls maskInputFn only for the kinds listed here, so every kind a secret can be
    // typed into is listed and maskInputFn lets through all but the sensitive ones.
    maskInputOptions: {
      password: true,
      text: true,
      email: true,
      tel: true,
      number: true,
      search: true,
      url: true,
      textarea: true,
    },
  };
}
