import type { BotLogic } from '../bots/api.js';
import type { L16ByteOrder } from '../codecs/l16.js';
import { callMachine, DEFAULT_CALL_TIMEOUTS, type CallMachine, type CallTimeouts } from '../actors/call.machine.js';

/** Codec the engine sends back to Telnyx: a fixed one, or whatever arrives inbound. */
export type OutboundEncoding = 'PCMU' | 'PCMA' | 'L16' | 'inbound';

/** How an agent's media is coded, beyond what the `start` frame says. */
export interface AgentMedia {
  /**
   * Codec of the audio we send. It must match the `bidirectionalCodec` of the TeXML `<Stream>` (or
   * `stream_bidirectional_codec`), which Telnyx defaults to PCMU whatever the inbound codec is.
   */
  readonly outboundEncoding: OutboundEncoding;
  /** Byte order of L16 payloads both ways; Telnyx does not document it, RTP uses big-endian. */
  readonly l16ByteOrder: L16ByteOrder;
}

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
}

/** The parts of an agent a caller may set; the rest has defaults. */
export interface AgentSettings {
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  readonly timeouts?: Partial<Record<keyof CallTimeouts, number | undefined>> | undefined;
  readonly media?: { readonly outboundEncoding?: OutboundEncoding | undefined; readonly l16ByteOrder?: L16ByteOrder | undefined } | undefined;
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
    timeouts: {
      startMs: timeouts?.startMs ?? DEFAULT_CALL_TIMEOUTS.startMs,
      mediaMs: timeouts?.mediaMs ?? DEFAULT_CALL_TIMEOUTS.mediaMs,
      drainMs: timeouts?.drainMs ?? DEFAULT_CALL_TIMEOUTS.drainMs,
      transferMs: timeouts?.transferMs ?? DEFAULT_CALL_TIMEOUTS.transferMs,
    },
    media: {
      outboundEncoding: media?.outboundEncoding ?? 'PCMU',
      l16ByteOrder: media?.l16ByteOrder ?? 'big',
    },
  };
}
