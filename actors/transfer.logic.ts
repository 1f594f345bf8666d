import { fromCallback } from 'xstate';
import type { Clock, TimerHandle } from '../engine/clock.js';
import type { CallCommands } from './callPort.js';

/** Input of {@link transferProcedure}. */
export interface TransferProcedureInput {
  readonly clock: Clock;
  /** How often to check the outbound queue, in milliseconds. */
  readonly intervalMs: number;
  /** Longest wait for queued audio before the transfer goes out anyway, in milliseconds. */
  readonly drainMs: number;
  readonly drained: () => boolean;
  /** Call Control, or undefined when the engine has none. */
  readonly commands: CallCommands | undefined;
  readonly to: string;
  readonly from: string | undefined;
}

/** What {@link transferProcedure} reports to the call. */
export type TransferProcedureEvent =
  /** No Call Control: the queued audio has played; closing the stream lets TeXML after `<Connect>` take the caller on. */
  | { readonly type: 'outbound.drained' }
  /** Telnyx accepted the transfer; it stops the stream once the caller is on their way. */
  | { readonly type: 'transfer.accepted' }
  | { readonly type: 'transfer.failed'; readonly error: unknown };

/**
 * A bot's transfer: lets the queued audio play (the bot's "transferring you now"), then, with Call
 * Control, sends Telnyx's `transfer` as a promise outside the call's mailbox and reports how it went.
 * Without Call Control it only reports the drain, as before Call Control existed.
 */
export const transferProcedure = fromCallback<{ type: never }, TransferProcedureInput, TransferProcedureEvent>(({ input, sendBack }) => {
  const { clock, intervalMs, drained, commands } = input;
  const viaCallControl = commands?.available === true;
  const deadline = clock.now() + input.drainMs;
  let stopped = false;
  let timer: TimerHandle;
  const request = (): void => {
    commands!.transfer(input.to, input.from).then(
      () => {
        if (!stopped) sendBack({ type: 'transfer.accepted' });
      },
      (error: unknown) => {
        if (!stopped) sendBack({ type: 'transfer.failed', error });
      },
    );
  };
  const check = (): void => {
    if (!viaCallControl) {
      if (drained()) sendBack({ type: 'outbound.drained' });
      else timer = clock.setTimeout(check, intervalMs);
      return;
    }
    if (drained() || clock.now() >= deadline) request();
    else timer = clock.setTimeout(check, intervalMs);
  };
  timer = clock.setTimeout(check, 0);
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
});
