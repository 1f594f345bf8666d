import type { TelnyxStreamFormat } from './streamFormat.js';

/** What a TeXML `<Connect><Stream>` document needs. */
export interface TexmlStream {
  /** The full `wss://…/ws/telnyx?serviceHost=AGENT.ORG[&token=…]` URL, unescaped. */
  readonly url: string;
  readonly format: TelnyxStreamFormat;
  /** `<Parameter>` children, delivered to the bot in `start.custom_parameters`. */
  readonly parameters: Readonly<Record<string, string>>;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML attribute value or element content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!);
}

/**
 * The TeXML that connects a call to callwire: `<Connect>` runs the stream synchronously and ends
 * when it closes. Bidirectional RTP is spelt out because Telnyx defaults to MP3, which would leave
 * the caller hearing nothing. No `<Pause>` follows `<Connect>`: it would run only after the stream
 * has closed, and only delay the hang-up.
 *
 * @example
 * ```ts
 * texmlDocument({ url: 'wss://cw.example/ws/telnyx?serviceHost=echo.default', format, parameters: {} });
 * ```
 */
export function texmlDocument(stream: TexmlStream): string {
  const { format } = stream;
  const attributes = [
    `url="${escapeXml(stream.url)}"`,
    ...(format.inboundCodec === undefined ? [] : [`codec="${format.inboundCodec}"`]),
    'bidirectionalMode="rtp"',
    `bidirectionalCodec="${format.codec}"`,
    `bidirectionalSamplingRate="${format.samplingRate}"`,
  ].join(' ');
  const parameters = Object.entries(stream.parameters).map(
    ([name, value]) => `      <Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`,
  );
  const streamElement = parameters.length === 0 ? `    <Stream ${attributes}/>` : [`    <Stream ${attributes}>`, ...parameters, '    </Stream>'].join('\n');
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<Response>', '  <Connect>', streamElement, '  </Connect>', '</Response>', ''].join('\n');
}
