import type { MediaClientOptions } from '../mediaClient.js';

/** What a command asked of a media stream, read from its `stream_*` fields. */
export interface StreamRequest {
  readonly url: string;
  readonly track: string;
  /** `stream_codec`: what Telnyx sends to the engine; `default` = the call's codec. */
  readonly codec: string;
  /** `stream_bidirectional_mode`; Telnyx's default is mp3, so raw audio back needs `rtp`. */
  readonly bidirectionalMode: string;
  readonly bidirectionalCodec: string;
  readonly bidirectionalSamplingRate: number | undefined;
  readonly authToken: string | undefined;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly clientState: string | undefined;
}

/** The codec of the simulated phone call, which `stream_codec: default` streams. */
export const CALL_CODEC = 'PCMU';

/** `start.media_format` for what Telnyx sends (rates per Telnyx's codec table, reference §1.4). */
export function inboundFormat(request: StreamRequest): { encoding: string; sampleRate: number } {
  const encoding = request.codec === 'default' ? CALL_CODEC : request.codec;
  switch (encoding) {
    case 'L16':
    case 'OPUS':
    case 'AMR-WB':
      return { encoding, sampleRate: 16_000 };
    default:
      return { encoding, sampleRate: 8_000 };
  }
}

/** How long each outbound payload plays, so marks echo when the audio before them has played. */
export function outboundTiming(request: StreamRequest): Pick<MediaClientOptions, 'outboundBytesPerMs' | 'mediaDurationMs'> {
  if (request.bidirectionalMode !== 'rtp') return { outboundBytesPerMs: 8 };
  switch (request.bidirectionalCodec) {
    case 'L16':
      return { outboundBytesPerMs: ((request.bidirectionalSamplingRate ?? 16_000) * 2) / 1000 };
    case 'OPUS':
    case 'AMR-WB':
      // One packet per message (reference §1.4); bytes say nothing about duration, 20 ms frames assumed.
      return { mediaDurationMs: () => 20 };
    default:
      return { outboundBytesPerMs: 8 };
  }
}

/** `custom_parameters` as `[{name,value}]` (streaming_start) or a plain object, flattened to strings. */
export function customParametersOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const entry of value as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { name, value: parameterValue } = entry as { name?: unknown; value?: unknown };
      if (typeof name === 'string') result[name] = parameterValue === undefined ? '' : String(parameterValue);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, parameterValue] of Object.entries(value)) result[name] = String(parameterValue);
  }
  return result;
}
