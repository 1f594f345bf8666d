import { fromCallback } from 'xstate';
import type { Clock, TimerHandle } from '../engine/clock.js';

/** Input of {@link mediaWatchdog}. */
export interface MediaWatchdogInput {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly lastMediaAt: () => number;
}

/**
 * Sends `media.timeout` when no inbound media has arrived for `timeoutMs`. Media never enters the
 * mailbox, so instead of a timer restarted per frame this wakes once per timeout window and checks
 * the data plane's last-arrival time.
 */
export const mediaWatchdog = fromCallback<{ type: never }, MediaWatchdogInput>(({ input, sendBack }) => {
  const { clock, timeoutMs, lastMediaAt } = input;
  let timer: TimerHandle;
  const check = (): void => {
    const idle = clock.now() - lastMediaAt();
    if (idle >= timeoutMs) sendBack({ type: 'media.timeout' });
    else timer = clock.setTimeout(check, timeoutMs - idle);
  };
  timer = clock.setTimeout(check, timeoutMs);
  return () => clock.clearTimeout(timer);
});

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
