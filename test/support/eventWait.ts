/**
 * How long a test waits for something the engine is sure to do (a stream to open, an echo, a
 * command to reach the simulator) before failing with a message naming it. It is not a speed
 * bound: on a busy 2-core machine a path that takes 20 ms alone can take seconds, so only a hang
 * should ever reach it; it stays under vitest's 20 s test timeout so the failure says what was awaited.
 */
export const EVENT_WAIT_MS = 15_000;

/**
 * Resolves once `check` holds, asking again every 20 ms (an async check is awaited before the
 * next); rejects naming `what` after {@link EVENT_WAIT_MS}. For what a test cannot subscribe to:
 * a file the engine finishes writing after the call, a counter on `/metrics`.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + EVENT_WAIT_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${EVENT_WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Resolves with `check`'s first value that is not undefined or false, asking again every 50 ms;
 * rejects naming `what` after `patienceMs`. For tests of child processes (several engines, worker
 * pools), which start slower than the engine in this process: pass their own liveness bound.
 */
export async function valueWithin<T>(patienceMs: number, what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const deadline = performance.now() + patienceMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`gave up after ${patienceMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
