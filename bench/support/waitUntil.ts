/**
 * Resolves once `predicate` holds, checking every `pollMs`; rejects after `timeoutMs` naming
 * `what`. The bench's one way to wait for an event it cannot subscribe to.
 */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 15_000, pollMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
