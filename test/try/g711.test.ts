import { describe, expect, it } from 'vitest';
import { ALAW_DECODE_TABLE, MULAW_DECODE_TABLE, MULAW_ENCODE_TABLE } from '../../codecs/g711Tables.js';
import { alawDecode, mulawDecode, mulawEncode } from '../../web/try/g711.js';

// The softphone's G.711 must agree with the engine's byte for byte, or the page would hear (and send) other audio than a phone.
describe('softphone G.711', () => {
  it('decodes every µ-law and A-law byte as the engine does', () => {
    const differing: number[] = [];
    for (let byte = 0; byte < 256; byte++) {
      if (mulawDecode(byte) !== MULAW_DECODE_TABLE[byte] || alawDecode(byte) !== ALAW_DECODE_TABLE[byte]) differing.push(byte);
    }
    expect(differing).toEqual([]);
  });

  it('encodes every 16-bit sample to µ-law as the engine does', () => {
    const differing: number[] = [];
    for (let sample = -32768; sample <= 32767; sample++) if (mulawEncode(sample) !== MULAW_ENCODE_TABLE[sample & 0xffff]) differing.push(sample);
    expect(differing.slice(0, 10)).toEqual([]);
  });
});
