/**
 * Maps a privacy level (SPEC §5) and the masking selectors to rrweb record options, and decides
 * which inputs are sensitive at every level. First layer only; the server scrubs again.
 * Pure: elements are read through their attributes, no DOM globals.
 */

import type { record } from '@rrweb/record';
import type { PrivacyLevel } from './config';

type RecordOptions = NonNullable<Parameters<typeof record>[0]>;

/** The rrweb options the privacy level sets. */
export type PrivacyRecordOptions = Pick<
  RecordOptions,
  'maskAllInputs' | 'maskInputOptions' | 'maskInputFn' | 'maskTextSelector' | 'blockSelector' | 'ignoreSelector'
>;

export interface PrivacySelectors {
  maskSelectors: readonly string[];
  blockSelectors: readonly string[];
  ignoreSelectors: readonly string[];
}

export const MASK_ATTRIBUTE_SELECTOR = '[data-tapedeck-mask]';
export const BLOCK_ATTRIBUTE_SELECTOR = '[data-tapedeck-block]';
export const IGNORE_ATTRIBUTE_SELECTOR = '[data-tapedeck-ignore]';
/** Media the `strict` level does not record. */
export const STRICT_BLOCK_SELECTOR = 'img,canvas,video';

/** The element surface `isSensitiveInput` reads. */
export interface AttributeReader {
  getAttribute(name: string): string | null;
}

const CARD_NAME_PATTERN = /(card.?(num|no|code)|cc.?(num|no|csc|cvc|cvv)|^cvc$|^cvv$|^csc$)/i;

/**
 * Returns true for an input that is masked at every level: passwords, autocomplete `cc-*`,
 * `one-time-code`, `current-password`/`new-password`, and names or ids that look like card
 * fields.
 */
export function isSensitiveInput(element: AttributeReader): boolean {
  if ((element.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
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

function maskSensitiveInput(text: string, element: HTMLElement): string {
  return isSensitiveInput(element) ? '*'.repeat(text.length) : text;
}

function joinSelectors(selectors: readonly string[]): string {
  return selectors.join(',');
}

/** Returns the rrweb masking options for `level` with the given extra selectors. */
export function privacyRecordOptions(level: PrivacyLevel, selectors: PrivacySelectors): PrivacyRecordOptions {
  const mask = [MASK_ATTRIBUTE_SELECTOR, ...selectors.maskSelectors];
  const block = [BLOCK_ATTRIBUTE_SELECTOR, ...selectors.blockSelectors];
  const ignore = joinSelectors([IGNORE_ATTRIBUTE_SELECTOR, ...selectors.ignoreSelectors]);
  switch (level) {
    case 'strict':
      return {
        maskAllInputs: true,
        maskTextSelector: '*',
        blockSelector: joinSelectors([STRICT_BLOCK_SELECTOR, ...block]),
        ignoreSelector: ignore,
      };
    case 'balanced':
      return {
        maskAllInputs: true,
        maskTextSelector: joinSelectors(mask),
        blockSelector: joinSelectors(block),
        ignoreSelector: ignore,
      };
    case 'minimal':
      return {
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
        maskInputFn: maskSensitiveInput,
        maskTextSelector: joinSelectors(mask),
        blockSelector: joinSelectors(block),
        ignoreSelector: ignore,
      };
  }
}
