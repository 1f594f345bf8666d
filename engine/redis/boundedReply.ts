/** A Redis reply waited on for a bounded time: its value, or `answered: false` once the failure was reported. */
export type BoundedReply<T> = { readonly answered: true; readonly value: T } | { readonly answered: false };

/**
 * `promise`'s value, or `answered: false` after handing `failed` its error or a timeout error once
 * `withinMs` has passed: what waits on Redis (a dial, a webhook) waits a bounded time, and a Redis
 * that hangs costs the shared state, never the call.
 *
 * @remarks An event loop that stalled past the deadline runs its timers before the input that
 * arrived during the stall, so a reply already on the socket would be called late. The deadline
 * therefore gives the loop one more turn (`setImmediate` runs after input is read) before it
 * reports the reply missing.
 */
export async function replyWithin<T>(promise: Promise<T>, withinMs: number, failed: (error: Error) => void): Promise<BoundedReply<T>> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const reply = promise.then(
    (value): BoundedReply<T> => {
      settled = true;
      return { answered: true, value };
    },
    (error: unknown) => {
      settled = true;
      throw error;
    },
  );
  const late = new Promise<BoundedReply<T>>((resolve) => {
    timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        failed(new Error(`no answer within ${Math.round(withinMs)} ms`));
        resolve({ answered: false });
      });
    }, Math.max(0, withinMs));
  });
  try {
    return await Promise.race([reply, late]);
  } catch (error) {
    failed(error instanceof Error ? error : new Error(String(error)));
    return { answered: false };
  } finally {
    clearTimeout(timer);
  }
}
