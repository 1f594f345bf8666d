import { fromCallback } from 'xstate';
import type { Clock, TimerHandle } from '../engine/clock.js';

/** Input of {@link drainWatch}. */
export interface DrainWatchInput {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly drained: () => boolean;
}

/** Sends `outbound.drained` once the call's outbound queue is empty, checking once per tick. */
export const drainWatch = fromCallback<{ type: never }, DrainWatchInput>(({ input, sendBack }) => {
  const { clock, intervalMs, drained } = input;
  let timer: TimerHandle;
  const check = (): void => {
    if (drained()) sendBack({ type: 'outbound.drained' });
    else timer = clock.setTimeout(check, intervalMs);
  };
  timer = clock.setTimeout(check, 0);
  return () => clock.clearTimeout(timer);
});
