/**
 * `excludeUrls`: which page URLs are never recorded. A rule is a RegExp, tested against the full
 * URL, or a string pattern that must match the whole URL (scheme, host, path, query and hash),
 * where `*` stands for any run of characters (`/` included) and everything else is literal.
 * Pure: no DOM.
 */

/** One `excludeUrls` entry. */
export type UrlRule = string | RegExp;

/** Returns true when `value` is a usable rule list (an array of strings and RegExps). */
export function isUrlRuleList(value: unknown): value is UrlRule[] {
  return Array.isArray(value) && value.every((rule) => typeof rule === 'string' || rule instanceof RegExp);
}

/** Turns a string pattern into an anchored RegExp: `*` is any run of characters, all else literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((literal) => literal.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** A compiled list of rules: `matches(url)` is true when any rule excludes `url`. */
export class UrlRules {
  private readonly patterns: RegExp[];

  constructor(rules: readonly UrlRule[]) {
    this.patterns = [];
    for (const rule of rules) {
      if (rule instanceof RegExp) {
        // A global or sticky RegExp keeps `lastIndex` between calls; a copy without them does not.
        this.patterns.push(new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')));
      } else if (typeof rule === 'string' && rule.trim() !== '') {
        this.patterns.push(globToRegExp(rule.trim()));
      }
    }
  }

  /** Returns true when there is no rule at all (nothing is ever excluded). */
  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Returns true when `url` is excluded by one of the rules. */
  matches(url: string): boolean {
    return this.patterns.some((pattern) => pattern.test(url));
  }
}
