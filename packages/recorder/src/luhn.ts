/**
 * Card-number detection for the in-browser masking (SPEC §5): the Luhn check and the masking of
 * every Luhn-valid run of 13–19 digits in a text, digits grouped by single spaces or dashes or
 * not at all. Masking keeps length and shape: each digit of a card run becomes `*`, separators
 * stay. Pure: no DOM.
 */

/** Fewest and most digits of a card number (ISO/IEC 7812). */
export const CARD_MIN_DIGITS = 13;
export const CARD_MAX_DIGITS = 19;

/** Digits joined by at most one space or dash: the runs a card number can hide in. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/** Returns true when `digits` (13–19 ASCII digits, nothing else) pass the Luhn check. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  return luhnSum(digits, 0, digits.length) % 10 === 0;
}

function luhnSum(digits: string, start: number, end: number): number {
  let sum = 0;
  for (let i = end - 1, odd = false; i >= start; i -= 1, odd = !odd) {
    let digit = digits.charCodeAt(i) - 48;
    if (odd) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/**
 * Returns `text` with the digits of every Luhn-valid card number replaced by `*`. In a run of
 * digit groups, every span of whole groups with 13–19 digits is checked, so a card glued to
 * another group (`ref 12 4111 1111 1111 1111`) is caught; a run of more than 19 digits without
 * separators is checked at every offset (and may be partly masked: the accepted price).
 */
export function maskCardNumbers(text: string): string {
  if (!/\d/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length < CARD_MIN_DIGITS) return run;
    const groups = run.split(/[ -]/);
    const starts: number[] = [];
    const ends = new Set<number>();
    let offset = 0;
    for (const group of groups) {
      if (groups.length > 1 || digits.length <= CARD_MAX_DIGITS) starts.push(offset);
      else for (let i = 0; i < group.length; i += 1) starts.push(i);
      offset += group.length;
      ends.add(offset);
    }
    const masked: boolean[] = [];
    for (const start of starts) {
      for (let length = CARD_MIN_DIGITS; length <= CARD_MAX_DIGITS && start + length <= digits.length; length += 1) {
        const whole = groups.length > 1 || digits.length <= CARD_MAX_DIGITS ? ends.has(start + length) : true;
        if (!whole || luhnSum(digits, start, start + length) % 10 !== 0) continue;
        for (let i = start; i < start + length; i += 1) masked[i] = true;
      }
    }
    let index = 0;
    return run.replace(/\d/g, (digit) => (masked[index++] === true ? '*' : digit));
  });
}
