/** G.711 µ-law and A-law, the phone codecs a Telnyx stream carries (ITU-T G.711 tables computed, not stored). */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** One 16-bit sample to µ-law. */
export function mulawEncode(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(sign !== 0 ? -sample : sample, MULAW_CLIP) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One µ-law byte to a 16-bit sample. */
export function mulawDecode(byte: number): number {
  const inverted = ~byte & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const magnitude = (((inverted & 0x0f) << 3) + MULAW_BIAS) << exponent;
  return (inverted & 0x80) !== 0 ? MULAW_BIAS - magnitude : magnitude - MULAW_BIAS;
}

/** One A-law byte to a 16-bit sample. */
export function alawDecode(byte: number): number {
  const toggled = byte ^ 0x55;
  const exponent = (toggled >> 4) & 0x07;
  const mantissa = toggled & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return (toggled & 0x80) !== 0 ? magnitude : -magnitude;
}
