import { fromCallback } from 'xstate';
import type { BotEvent, BotInput, BotLogic, BotRequest } from '../bots/api.js';
import type { BotContext, BotDefinition, BotHandlers } from '../bots/defineBot.js';
import { BotError } from './botError.js';

const DEFAULT_RESPONSE_TIMEOUT_MS = 5_000;

/**
 * Hosts a callback-style bot inside the call: subscribes it to the audio stream, relays control
 * events from the mailbox, and turns every way a bot can fail into one `bot.error` request, so the
 * call ends with `bot_error` and nothing escapes to the process.
 */
export function hostBot<Options>(definition: BotDefinition<Options>): BotLogic {
  const responseTimeoutMs = definition.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;

  const logic = fromCallback<BotEvent, BotInput, BotRequest>(({ input, receive, sendBack }) => {
    let stopped = false;
    const fail = (error: unknown): void => {
      if (!stopped) sendBack({ type: 'bot.error', error });
    };
    const options = (definition.parseOptions?.(input.options) ?? input.options) as Options;
    // A Call Control request the bot forgets to await must not become an unhandled rejection, which
    // would take the whole process down: the bot still sees the rejection if it awaits.
    const observed = (request: Promise<void>): Promise<void> => {
      request.catch((error: unknown) => input.log.info({ err: error }, 'bot call control request failed'));
      return request;
    };
    const context: BotContext<Options> = {
      call: input.call,
      output: input.output,
      clock: input.clock,
      log: input.log,
      options,
      hangup: (hangupOptions) => {
        if (!stopped) sendBack({ type: 'bot.hangup', reason: hangupOptions?.reason });
      },
      transfer: (to, transferOptions) => {
        if (!stopped) sendBack({ type: 'bot.transfer', to, from: transferOptions?.from });
      },
      fail,
      record: {
        start: (recordingOptions) => observed(input.callControl.startRecording(recordingOptions)),
        stop: () => observed(input.callControl.stopRecording()),
      },
      sendDtmf: (digits, dtmfOptions) => observed(input.callControl.sendDtmf(digits, dtmfOptions)),
      stopStreaming: () => observed(input.callControl.stopStreaming()),
      callControlAvailable: input.callControl.available,
      recordLocally: () => input.recordLocally(),
      prepared: input.prepared,
      annotate: (key, value) => input.annotate?.(key, value),
      reportTranscript: (transcript) => input.reportTranscript?.(transcript),
      reportTurn: (turn) => input.reportTurn?.(turn),
    };
    const handlers: BotHandlers = definition.create(context);

    const watch = (result: void | Promise<void>, handler: string): void => {
      if (!(result instanceof Promise)) return;
      const timer = input.clock.setTimeout(
        () => fail(new BotError('CW_BOT_UNRESPONSIVE', `bot ${definition.name}: ${handler} did not settle within ${responseTimeoutMs} ms`)),
        responseTimeoutMs,
      );
      result.then(
        () => input.clock.clearTimeout(timer),
        (error: unknown) => {
          input.clock.clearTimeout(timer);
          fail(error);
        },
      );
    };

    const onAudio = handlers.audio;
    const subscription =
      onAudio === undefined
        ? undefined
        : input.audio.subscribe((frame) => {
            if (stopped) return;
            try {
              onAudio.call(handlers, frame);
            } catch (error) {
              fail(error);
            }
          });

    receive((event) => {
      // A throw here fails the actor itself; the call machine's onError turns that into bot_error.
      if (event.type === 'dtmf') watch(handlers.dtmf?.(event.digit), 'dtmf');
      else if (event.type === 'mark') watch(handlers.mark?.(event.name), 'mark');
      else if (event.type === 'recording') watch(handlers.recording?.(event.recording), 'recording');
    });

    return () => {
      stopped = true;
      subscription?.unsubscribe();
      try {
        handlers.stop?.(input.endReason() ?? 'internal_error');
      } catch (error) {
        input.log.warn({ err: error }, 'bot stop handler threw');
      }
    };
  });
  return logic as unknown as BotLogic;
}
