/** `quietly`: runs capture code whose failures must never reach the host page. */

/** Runs `body`, swallowing anything it throws. */
export function quietly(body: () => void): void {
  try {
    body();
  } catch {
    // Capture problems never reach the page; the page's own behaviour is unaffected.
  }
}
