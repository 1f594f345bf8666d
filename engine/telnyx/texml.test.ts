import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, texmlDocument } from './texml.js';

const PCMU = { codec: 'PCMU', samplingRate: 8000, inboundCodec: undefined } as const;

/** Undoes the five XML entities, as an XML parser would. */
function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name]!);
}

describe('texmlDocument', () => {
  it('connects the call to the stream URL with bidirectional RTP and nothing after <Connect>', () => {
    const xml = texmlDocument({ url: 'wss://cw.example/ws/telnyx?serviceHost=echo.default', format: PCMU, parameters: {} });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Response>',
        '  <Connect>',
        '    <Stream url="wss://cw.example/ws/telnyx?serviceHost=echo.default" bidirectionalMode="rtp" bidirectionalCodec="PCMU" bidirectionalSamplingRate="8000"/>',
        '  </Connect>',
        '</Response>',
        '',
      ].join('\n'),
    );
    expect(xml).not.toContain('<Pause');
  });

  it('writes & in the URL as &amp; and escapes parameters', () => {
    const xml = texmlDocument({
      url: 'wss://cw.example/ws/telnyx?serviceHost=support.acme&token=a<b>"c\'',
      format: { codec: 'L16', samplingRate: 16000, inboundCodec: undefined },
      parameters: { plan: 'gold & "silver"', '<name>': "o'brien" },
    });
    expect(xml).toContain('url="wss://cw.example/ws/telnyx?serviceHost=support.acme&amp;token=a&lt;b&gt;&quot;c&apos;"');
    expect(xml).toContain('bidirectionalCodec="L16" bidirectionalSamplingRate="16000">');
    expect(xml).toContain('<Parameter name="plan" value="gold &amp; &quot;silver&quot;"/>');
    expect(xml).toContain('<Parameter name="&lt;name&gt;" value="o&apos;brien"/>');
    expect(xml).toContain('    </Stream>\n  </Connect>');
  });

  it('pins the inbound codec for agents that send back what arrives', () => {
    const xml = texmlDocument({ url: 'wss://h/ws/telnyx?serviceHost=a.b', format: { codec: 'PCMU', samplingRate: 8000, inboundCodec: 'PCMU' }, parameters: {} });
    expect(xml).toContain('codec="PCMU" bidirectionalMode="rtp"');
  });
});

describe('escapeXml', () => {
  it('round-trips any string and leaves no raw markup characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeXml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
        expect(unescapeXml(escaped)).toBe(text);
      }),
    );
  });
});
