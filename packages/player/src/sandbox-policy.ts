//! The replay iframe's sandbox rule (HOUSE-STYLE habit 14): recordings are untrusted,
//! so the iframe they are rebuilt in must be sandboxed and must never allow scripts.
//! Pure: works on the attribute's text.

/**
 * Returns true when a `sandbox` attribute value keeps scripts off: the attribute is
 * present (an empty value is the strictest sandbox) and has no `allow-scripts` token.
 */
export function isScriptFreeSandbox(sandboxAttribute: string | null): boolean {
  if (sandboxAttribute === null) return false;
  const tokens = sandboxAttribute.toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  return !tokens.includes('allow-scripts');
}
