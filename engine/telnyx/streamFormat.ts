import type { AgentMedia } from '../agent.js';
import type { BidirectionalCodec, BidirectionalSamplingRate } from './callControl.js';

/** What callwire asks Telnyx for when it sets up an agent's stream (Call Control or TeXML). */
export interface TelnyxStreamFormat {
  /** `stream_bidirectional_codec` / `bidirectionalCodec`: what callwire sends back. */
  readonly codec: BidirectionalCodec;
  /** `stream_bidirectional_sampling_rate` / `bidirectionalSamplingRate`. */
  readonly samplingRate: BidirectionalSamplingRate;
  /**
   * `stream_codec` / `codec`: what Telnyx sends us, when it must be pinned. Only for `inbound`
   * agents, which send back whatever arrives: both directions are pinned to PCMU so they agree.
   */
  readonly inboundCodec: 'PCMU' | undefined;
}

/**
 * The stream format matching an agent's outbound media settings, so that what Telnyx expects back
 * is what the engine sends (see `resolveOutboundFormat`).
 */
export function telnyxStreamFormat(media: AgentMedia): TelnyxStreamFormat {
  if (media.outboundEncoding === 'inbound') return { codec: 'PCMU', samplingRate: 8000, inboundCodec: 'PCMU' };
  const codec = media.outboundEncoding;
  const samplingRate = media.outboundSampleRate ?? (codec === 'L16' ? 16000 : 8000);
  return { codec, samplingRate, inboundCodec: undefined };
}

/** `PCMU/8000`, or `inbound` for agents that send back the caller's codec; for listings. */
export function describeOutbound(media: AgentMedia): string {
  if (media.outboundEncoding === 'inbound') return media.outboundSampleRate === undefined ? 'inbound' : `inbound/${media.outboundSampleRate}`;
  const format = telnyxStreamFormat(media);
  return `${format.codec}/${format.samplingRate}`;
}
