/** What a Redis call waited on for a bounded time came to. */
export type Bounded<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/**
 * `promise`'s value, its error, or not done after `withinMs`: what waits on Redis (a dial, a webhook
 * reply) waits a bounded time, and a Redis that hangs costs the shared state, never the call.
 */
export async function bounded<T>(promise: Promise<T>, withinMs: number): Promise<Bounded<T> | Error> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Bounded<T>>((resolve) => (timer = setTimeout(() => resolve({ done: false }), Math.max(0, withinMs))));
  try {
    return await Promise.race([promise.then((value): Bounded<T> => ({ done: true, value })), late]);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }
}
