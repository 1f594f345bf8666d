import { assign, emit, sendTo, setup } from 'xstate';
import type { Clock } from '../engine/clock.js';
import type { CallId } from '../engine/ids.js';
import type { Logger } from '../engine/logger.js';
import type { StreamStart } from '../engine/telnyx/frames.js';
import type { BotInput, BotLogic, CallInfo, EndReason, HangupReason, RecordingSaved } from '../bots/api.js';
import { UNAVAILABLE_CALL_COMMANDS } from '../engine/callCommands.js';
import { clip } from '../engine/logging/clip.js';
import { hostBot } from './botHost.logic.js';
import type { CallPort } from './callPort.js';
import { transferProcedure } from './transfer.logic.js';
import { drainWatch } from './watchdogs.logic.js';

/** Per-agent time limits of a call, in milliseconds. */
export interface CallTimeouts {
  /** From socket open to `start`. */
  readonly startMs: number;
  /** With no inbound media while streaming. */
  readonly mediaMs: number;
  /** For queued audio to play out after a bot hangs up or asks for a transfer. */
  readonly drainMs: number;
  /**
   * For Telnyx to stop the stream once a transfer is under way. With Call Control the queued audio
   * first gets up to `drainMs` to play before Telnyx is asked to transfer.
   */
  readonly transferMs: number;
}

/** Defaults for {@link CallTimeouts}. */
export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = { startMs: 10_000, mediaMs: 30_000, drainMs: 10_000, transferMs: 10_000 };

/** What the engine gives each call actor. */
export interface CallMachineInput {
  readonly callId: CallId;
  readonly org: string;
  readonly agent: string;
  readonly port: CallPort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: Readonly<Record<string, unknown>>;
  readonly timeouts: CallTimeouts;
}

/** Control events a call accepts. Audio frames never come this way. */
export type CallEvent =
  | { readonly type: 'telnyx.connected' }
  | { readonly type: 'telnyx.start'; readonly start: StreamStart }
  | { readonly type: 'telnyx.dtmf'; readonly digit: string }
  | { readonly type: 'telnyx.mark'; readonly name: string }
  | { readonly type: 'telnyx.stop' }
  | { readonly type: 'socket.closed'; readonly code: number }
  | { readonly type: 'codec.unsupported'; readonly message: string }
  | { readonly type: 'outbound.drained' }
  /** `reason`: why the bot hangs up, when it is not simply done (default `bot_hangup`). */
  | { readonly type: 'bot.hangup'; readonly reason?: HangupReason | undefined }
  | { readonly type: 'bot.transfer'; readonly to: string; readonly from?: string | undefined }
  | { readonly type: 'bot.error'; readonly error: unknown }
  | { readonly type: 'transfer.accepted' }
  | { readonly type: 'transfer.failed'; readonly error: unknown }
  /** Telnyx's `call.hangup` webhook for this call arrived while the stream was open. */
  | { readonly type: 'telnyx.hangup' }
  /** Telnyx's `call.recording.saved` webhook for this call. */
  | { readonly type: 'telnyx.recording'; readonly recording: RecordingSaved }
  /** The stream did not present the agent's stream auth token. */
  | { readonly type: 'stream.unauthorized' }
  /** The stream has shown it is not a carrier (a sustained rate of rejected frames). */
  | { readonly type: 'stream.violation' }
  /** The engine needs the place of this not-yet-started stream for a newer one. */
  | { readonly type: 'stream.evicted' }
  | { readonly type: 'engine.shutdown' }
  /** The engine's own per-call data plane failed (a bug): end this call, and only this one. */
  | { readonly type: 'engine.failure' };

/** Events a call emits for the engine (`actor.on(...)`). */
export type CallEmitted = { readonly type: 'call.transfer'; readonly to: string; readonly call: CallInfo };

/** What a call actor keeps between events. */
export interface CallContext extends CallMachineInput {
  call: CallInfo | undefined;
  endReason: EndReason | undefined;
  transferTo: string | undefined;
  transferFrom: string | undefined;
  hangupReason: HangupReason;
}

/** What a finished call actor outputs. */
export interface CallOutput {
  readonly reason: EndReason;
}

const TICK_MS = 20;

/** Close code for a stream refused for a missing or wrong stream auth token. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

/** Close code for a stream closed for breaking the protocol again and again (WebSocket's policy violation). */
export const VIOLATION_CLOSE_CODE = 1008;

/** WebSocket close code for each end reason: 1000 unless the engine itself is at fault or going away, or the stream was refused. */
function closeCodeFor(reason: EndReason): number {
  if (reason === 'shutdown') return 1001;
  if (reason === 'internal_error') return 1011;
  if (reason === 'stream_unauthorized') return UNAUTHORIZED_CLOSE_CODE;
  if (reason === 'protocol_violation') return VIOLATION_CLOSE_CODE;
  return 1000;
}

/** Time since the last inbound media frame (or since the call started, before any). */
function mediaIdleMs(context: CallContext): number {
  return context.clock.now() - context.port.lastMediaAt();
}

/** True when the call can use Call Control (the engine has an API key). */
function hasCallControl(context: CallContext): boolean {
  return context.port.callControl?.available === true;
}

/**
 * One phone call: `awaiting-connected → streaming → transferring → ended`. Owns the bot actor and the
 * call's timers; the engine owns the socket and audio behind {@link CallPort}. `ended` is final and
 * releases everything.
 */
export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallMachineInput,
    emitted: {} as CallEmitted,
    output: {} as CallOutput,
  },
  actors: {
    bot: hostBot({ name: 'unset', create: () => ({}) }) as BotLogic,
    drainWatch,
    transferProcedure,
  },
  guards: {
    mediaIdle: ({ context }) => mediaIdleMs(context) >= context.timeouts.mediaMs,
  },
  delays: {
    startTimeout: ({ context }) => context.timeouts.startMs,
    // Media never enters the mailbox: rather than a timer restarted per frame, the watch wakes
    // once per timeout window and reads the data plane's last-arrival time.
    mediaCheck: ({ context }) => Math.max(0, context.timeouts.mediaMs - mediaIdleMs(context)),
    drainTimeout: ({ context }) => context.timeouts.drainMs,
    // With Call Control the queued audio gets up to drainMs before Telnyx is asked, then transferMs.
    transferTimeout: ({ context }) => (hasCallControl(context) ? context.timeouts.drainMs : 0) + context.timeouts.transferMs,
  },
  actions: {
    endWith: assign((_, params: { reason: EndReason }) => ({ endReason: params.reason })),
    rememberHangup: assign(({ event }) => (event.type === 'bot.hangup' ? { hangupReason: event.reason ?? 'bot_hangup' } : {})),
    endWithHangupReason: assign(({ context }) => ({ endReason: context.hangupReason })),
    rememberStart: assign(({ context, event }) => {
      if (event.type !== 'telnyx.start') return {};
      const call: CallInfo = { ...event.start, callId: context.callId, org: context.org, agent: context.agent };
      return { call };
    }),
    rememberTransfer: assign(({ event }) => (event.type === 'bot.transfer' ? { transferTo: event.to, transferFrom: event.from } : {})),
    announceTransfer: emit(({ context }) => ({ type: 'call.transfer' as const, to: context.transferTo ?? '', call: context.call! })),
    logBotFailure: ({ context, event }) => {
      const error = event.type === 'bot.error' ? event.error : (event as { error?: unknown }).error;
      context.log.error({ err: error }, 'bot failed; ending call');
    },
    logUnsupportedCodec: ({ context, event }) => {
      // The codec's name comes from the start frame: cut like any other outside string.
      if (event.type === 'codec.unsupported') context.log.error({ detail: clip(event.message, 160) }, 'unsupported codec; ending call');
    },
    // The bot is stopped as `streaming` exits, right after this runs: let it know why.
    markTransferring: ({ context }) => {
      context.port.endReason = 'transferred';
    },
    logTransfer: ({ context }) =>
      context.log.info({ to: context.transferTo, via: hasCallControl(context) ? 'call_control' : 'stream_close' }, 'bot asked for a transfer'),
    logTransferAccepted: ({ context }) => context.log.info({ to: context.transferTo }, 'telnyx accepted the transfer'),
    logTransferFailure: ({ context, event }) => {
      const error = event.type === 'transfer.failed' ? event.error : undefined;
      context.log.error({ err: error, to: context.transferTo }, 'transfer failed; ending call');
    },
    finish: ({ context }) => {
      const reason = context.endReason ?? 'internal_error';
      context.port.endReason = reason;
      context.port.close(closeCodeFor(reason), reason);
      context.port.release();
    },
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => ({ ...input, call: undefined, endReason: undefined, transferTo: undefined, transferFrom: undefined, hangupReason: 'bot_hangup' }),
  initial: 'awaiting-connected',
  on: {
    'engine.shutdown': { target: '.ended', actions: { type: 'endWith', params: { reason: 'shutdown' } } },
    'engine.failure': { target: '.ended', actions: { type: 'endWith', params: { reason: 'internal_error' } } },
    'socket.closed': { target: '.ended', actions: { type: 'endWith', params: { reason: 'socket_closed' } } },
    'telnyx.stop': { target: '.ended', actions: { type: 'endWith', params: { reason: 'stream_stopped' } } },
    'telnyx.hangup': { target: '.ended', actions: { type: 'endWith', params: { reason: 'call_hangup' } } },
    'stream.violation': { target: '.ended', actions: { type: 'endWith', params: { reason: 'protocol_violation' } } },
  },
  states: {
    'awaiting-connected': {
      after: {
        startTimeout: { target: 'ended', actions: { type: 'endWith', params: { reason: 'start_timeout' } } },
      },
      on: {
        'telnyx.connected': {},
        'telnyx.start': { target: 'streaming', actions: 'rememberStart' },
        'stream.unauthorized': { target: 'ended', actions: { type: 'endWith', params: { reason: 'stream_unauthorized' } } },
        'stream.evicted': { target: 'ended', actions: { type: 'endWith', params: { reason: 'start_timeout' } } },
        'codec.unsupported': {
          target: 'ended',
          actions: ['logUnsupportedCodec', { type: 'endWith', params: { reason: 'unsupported_codec' } }],
        },
      },
    },
    streaming: {
      // Two regions: the bot's turn (talking, then draining its audio after a hangup) and the media
      // watch, which ends a call whose caller audio has stopped arriving.
      type: 'parallel',
      invoke: [
        {
          id: 'bot',
          src: 'bot',
          input: ({ context }): BotInput => ({
            call: context.call!,
            audio: context.port.audio,
            output: context.port.output,
            clock: context.clock,
            log: context.log,
            options: context.options,
            prepared: context.port.takePrepared?.(),
            annotate: (key, value) => context.port.annotate?.(key, value),
            reportTranscript: (transcript) => context.port.reportTranscript?.(transcript),
            reportTurn: (turn) => context.port.reportTurn?.(turn),
            endReason: () => context.port.endReason,
            callControl: context.port.callControl ?? UNAVAILABLE_CALL_COMMANDS,
            recordLocally: () => {
              if (context.port.recordLocally === undefined) throw new Error('this call cannot be recorded locally');
              return context.port.recordLocally();
            },
          }),
          onDone: { target: 'ended', actions: { type: 'endWith', params: { reason: 'bot_finished' } } },
          onError: { target: 'ended', actions: ['logBotFailure', { type: 'endWith', params: { reason: 'bot_error' } }] },
        },
      ],
      on: {
        'telnyx.dtmf': { actions: sendTo('bot', ({ event }) => ({ type: 'dtmf' as const, digit: event.digit })) },
        'telnyx.mark': { actions: sendTo('bot', ({ event }) => ({ type: 'mark' as const, name: event.name })) },
        'telnyx.recording': { actions: sendTo('bot', ({ event }) => ({ type: 'recording' as const, recording: event.recording })) },
        'bot.error': { target: 'ended', actions: ['logBotFailure', { type: 'endWith', params: { reason: 'bot_error' } }] },
        'bot.transfer': { target: 'transferring', actions: ['rememberTransfer', 'logTransfer'] },
      },
      states: {
        turn: {
          initial: 'talking',
          states: {
            talking: {
              on: { 'bot.hangup': { target: 'hangingUp', actions: 'rememberHangup' } },
            },
            hangingUp: {
              invoke: {
                src: 'drainWatch',
                input: ({ context }) => ({ clock: context.clock, intervalMs: TICK_MS, drained: () => context.port.outboundDrained() }),
              },
              after: { drainTimeout: { target: '#call.ended', actions: 'endWithHangupReason' } },
              on: { 'outbound.drained': { target: '#call.ended', actions: 'endWithHangupReason' } },
            },
          },
        },
        media: {
          initial: 'watching',
          states: {
            watching: {
              after: {
                mediaCheck: [
                  { guard: 'mediaIdle', target: '#call.ended', actions: { type: 'endWith', params: { reason: 'media_timeout' } } },
                  { target: 'watching', reenter: true },
                ],
              },
            },
          },
        },
      },
    },
    transferring: {
      entry: ['markTransferring', 'announceTransfer'],
      // With Call Control: queued audio plays, Telnyx is asked to transfer, and the call ends when
      // Telnyx stops the stream. Without: once the audio has played, closing the socket lets a TeXML
      // <Dial> after <Connect> take the caller on. A refused transfer ends the call (the bot has
      // already stopped, so there is nothing to go back to).
      invoke: {
        src: 'transferProcedure',
        input: ({ context }) => ({
          clock: context.clock,
          intervalMs: TICK_MS,
          drainMs: context.timeouts.drainMs,
          drained: () => context.port.outboundDrained(),
          commands: context.port.callControl,
          to: context.transferTo ?? '',
          from: context.transferFrom,
        }),
      },
      after: { transferTimeout: { target: 'ended', actions: { type: 'endWith', params: { reason: 'transferred' } } } },
      on: {
        'outbound.drained': { target: 'ended', actions: { type: 'endWith', params: { reason: 'transferred' } } },
        'transfer.accepted': { actions: 'logTransferAccepted' },
        'transfer.failed': { target: 'ended', actions: ['logTransferFailure', { type: 'endWith', params: { reason: 'transfer_failed' } }] },
        'telnyx.stop': { target: 'ended', actions: { type: 'endWith', params: { reason: 'transferred' } } },
        'socket.closed': { target: 'ended', actions: { type: 'endWith', params: { reason: 'transferred' } } },
        'telnyx.hangup': { target: 'ended', actions: { type: 'endWith', params: { reason: 'transferred' } } },
      },
    },
    ended: {
      type: 'final',
      entry: 'finish',
    },
  },
  output: ({ context }) => ({ reason: context.endReason ?? 'internal_error' }),
});

/** The call actor's type, as the engine holds it. */
export type CallMachine = typeof callMachine;
