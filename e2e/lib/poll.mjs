// Polling with a deadline: tests wait for what they need (a stored batch, a session in the list)
// instead of sleeping a fixed time.

/** Calls `fn` until it returns something truthy and returns that; throws after `timeoutMs`. */
export async function poll(what, fn, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
