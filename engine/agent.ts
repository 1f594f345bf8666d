import type { BotLogic } from '../bots/api.js';
import { botSampleRateOf, type BotSampleRate, type BotSampleRateRule } from '../bots/botSampleRate.js';
import type { L16ByteOrder } from '../codecs/l16.js';
import type { ResampleRate } from '../codecs/resample/types.js';
import { callMachine, DEFAULT_CALL_TIMEOUTS, type CallMachine, type CallTimeouts } from '../actors/call.machine.js';
import { DEFAULT_OUTBOUND_TIMING } from './outboundStream.js';
import type { EventTarget } from './events/eventDelivery.js';

/** Codec the engine sends back to Telnyx: a fixed one, or whatever arrives inbound. */
export type OutboundEncoding = 'PCMU' | 'PCMA' | 'L16' | 'OPUS' | 'G722' | 'inbound';

/** Bounds of the inbound playout delay the jitter buffer may choose. */
export interface JitterSettings {
  /** Lowest target delay, in milliseconds. */
  readonly minDelayMs: number;
  /** Highest target delay, in milliseconds: late frames beyond it are concealed rather than waited for. */
  readonly maxDelayMs: number;
  /**
   * Whether the buffer may shorten or lengthen speech by a pitch period to follow its target
   * (false keeps every sample as received, for tones a bot must hear bit for bit, such as modems).
   */
  readonly timeStretch: boolean;
}

/** How outbound audio is batched and buffered. */
export interface OutboundTiming {
  /** 20 ms frames per `media` message (Opus always sends 1: Telnyx takes one packet per message). */
  readonly framesPerMessage: number;
  /** Frames queued before a talk spurt starts. */
  readonly prebufferFrames: number;
  /** Frames kept at Telnyx ahead of playback. */
  readonly leadFrames: number;
}

/** How an agent's media is coded, beyond what the `start` frame says. */
export interface AgentMedia {
  /**
   * Codec of the audio we send. It must match the `bidirectionalCodec` of the TeXML `<Stream>` (or
   * `stream_bidirectional_codec`), which Telnyx defaults to PCMU whatever the inbound codec is.
   */
  readonly outboundEncoding: OutboundEncoding;
  /**
   * Rate of the audio we send, matching `bidirectionalSamplingRate` (`stream_bidirectional_sampling_rate`).
   * Undefined: the inbound rate when the codec is the inbound one, else 16000 for L16 and 8000 otherwise.
   */
  readonly outboundSampleRate: ResampleRate | undefined;
  /**
   * Rate the bot hears and plays: the agent's setting, else what the bot declared (a rate or a rule
   * per call); undefined: the call's own rate. Resolve it for a call with `resolveBotSampleRate`.
   */
  readonly botSampleRate: BotSampleRate | BotSampleRateRule | undefined;
  /** Byte order of L16 payloads both ways; Telnyx does not document it, RTP uses big-endian. */
  readonly l16ByteOrder: L16ByteOrder;
  readonly jitter: JitterSettings;
  readonly outbound: OutboundTiming;
}

/** Default jitter-buffer bounds: 20 to 200 ms. */
export const DEFAULT_JITTER: JitterSettings = { minDelayMs: 20, maxDelayMs: 300, timeStretch: true };

/** One routable agent: `serviceHost=NAME.ORG` picks it. */
export interface AgentDefinition {
  readonly org: string;
  readonly name: string;
  /** Name of the bot module or shipped bot, for logs and listings. */
  readonly botName: string;
  readonly bot: BotLogic;
  /** The call machine with this agent's bot provided, built once per agent rather than per call. */
  readonly machine: CallMachine;
  /** Free-form options handed to the bot. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly timeouts: CallTimeouts;
  readonly media: AgentMedia;
  /** E.164 numbers whose incoming Call Control calls this agent answers. */
  readonly phoneNumbers: readonly string[];
  /**
   * Secret every media stream of this agent must present: Telnyx's stream auth token (header or
   * `connected` field) or the `token` query parameter of a TeXML stream URL. Undefined: none needed.
   */
  readonly streamAuthToken: string | undefined;
  /** Parameters every stream of this agent carries, as `<Parameter>`s or `custom_parameters`. */
  readonly customParameters: Readonly<Record<string, string>>;
  /** The engine's own stereo WAV recordings (caller left, bot right). */
  readonly recording: AgentRecording;
  /** Where this agent's call events go; undefined: the engine's `events`, if any. */
  readonly events: EventTarget | undefined;
}

/** Where and when the engine records this agent's calls itself. */
export interface AgentRecording {
  /** Folder for the WAV files (`<call id>.wav`). */
  readonly dir: string;
  /** Record every call from its start; otherwise only calls whose bot asks (`recordLocally()`). */
  readonly always: boolean;
}

/** The parts of an agent a caller may set; the rest has defaults. */
export interface AgentSettings {
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  readonly phoneNumbers?: readonly string[] | undefined;
  readonly streamAuthToken?: string | undefined;
  readonly customParameters?: Readonly<Record<string, string>> | undefined;
  readonly recording?: { readonly dir?: string | undefined; readonly always?: boolean | undefined } | undefined;
  readonly events?: EventTarget | undefined;
  readonly timeouts?: Partial<Record<keyof CallTimeouts, number | undefined>> | undefined;
  readonly media?:
    | {
        readonly outboundEncoding?: OutboundEncoding | undefined;
        readonly outboundSampleRate?: ResampleRate | undefined;
        readonly botSampleRate?: ResampleRate | undefined;
        readonly l16ByteOrder?: L16ByteOrder | undefined;
        readonly jitter?: { readonly minDelayMs?: number | undefined; readonly maxDelayMs?: number | undefined; readonly timeStretch?: boolean | undefined } | undefined;
        readonly outbound?: Partial<Record<keyof OutboundTiming, number | undefined>> | undefined;
      }
    | undefined;
}

/** Builds a routable agent around `bot`, filling in default timeouts and media settings. */
export function buildAgent(org: string, name: string, bot: BotLogic, botName: string, settings: AgentSettings = {}): AgentDefinition {
  const { timeouts, media } = settings;
  return {
    org,
    name,
    bot,
    botName,
    machine: callMachine.provide({ actors: { bot } }),
    options: settings.options ?? {},
    phoneNumbers: settings.phoneNumbers ?? [],
    streamAuthToken: settings.streamAuthToken,
    customParameters: settings.customParameters ?? {},
    recording: { dir: settings.recording?.dir ?? 'recordings', always: settings.recording?.always ?? false },
    events: settings.events,
    timeouts: {
      startMs: timeouts?.startMs ?? DEFAULT_CALL_TIMEOUTS.startMs,
      mediaMs: timeouts?.mediaMs ?? DEFAULT_CALL_TIMEOUTS.mediaMs,
      drainMs: timeouts?.drainMs ?? DEFAULT_CALL_TIMEOUTS.drainMs,
      transferMs: timeouts?.transferMs ?? DEFAULT_CALL_TIMEOUTS.transferMs,
    },
    media: {
      outboundEncoding: media?.outboundEncoding ?? 'PCMU',
      outboundSampleRate: media?.outboundSampleRate,
      botSampleRate: media?.botSampleRate ?? botSampleRateOf(bot),
      l16ByteOrder: media?.l16ByteOrder ?? 'big',
      jitter: {
        minDelayMs: media?.jitter?.minDelayMs ?? DEFAULT_JITTER.minDelayMs,
        maxDelayMs: media?.jitter?.maxDelayMs ?? DEFAULT_JITTER.maxDelayMs,
        timeStretch: media?.jitter?.timeStretch ?? DEFAULT_JITTER.timeStretch,
      },
      outbound: {
        framesPerMessage: media?.outbound?.framesPerMessage ?? DEFAULT_OUTBOUND_TIMING.framesPerMessage,
        prebufferFrames: media?.outbound?.prebufferFrames ?? DEFAULT_OUTBOUND_TIMING.prebufferFrames,
        leadFrames: media?.outbound?.leadFrames ?? DEFAULT_OUTBOUND_TIMING.leadFrames,
      },
    },
  };
}
