import type { CodecFormat } from '../codecs/createCodec.js';
import type { AgentMedia } from './agent.js';
import type { MediaFormat } from './telnyx/frames.js';

/**
 * The format callwire sends back: the agent's codec (or the inbound one for `inbound`), at the
 * agent's rate, else the inbound rate when the codec is the inbound one, else the codec's usual rate
 * (16 kHz for L16, as Telnyx's guide lists it; 8 kHz for the rest, Telnyx's default).
 */
export function resolveOutboundFormat(media: AgentMedia, inbound: MediaFormat): CodecFormat {
  const encoding = media.outboundEncoding === 'inbound' ? inbound.encoding : media.outboundEncoding;
  if (media.outboundSampleRate !== undefined) return { encoding, sampleRate: media.outboundSampleRate };
  if (encoding === inbound.encoding) return { encoding, sampleRate: inbound.sampleRate };
  return { encoding, sampleRate: encoding === 'L16' ? 16000 : 8000 };
}
