import { alawDecode, mulawDecode, mulawEncode } from './g711.js';

/** A format the engine sends back, as `/try/agents` lists it. */
export interface ReplyFormat {
  readonly encoding: string;
  readonly sampleRate: number;
}

/** Encodings the page can play. */
export function canPlay(format: ReplyFormat): boolean {
  return format.encoding === 'PCMU' || format.encoding === 'PCMA' || format.encoding === 'L16';
}

/** 16-bit samples to µ-law bytes. */
export function encodeMulaw(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index++) bytes[index] = mulawEncode(samples[index]!);
  return bytes;
}

/** 16-bit samples to L16 bytes in `byteOrder`. */
export function encodeL16(samples: Int16Array, byteOrder: 'big' | 'little'): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index++) view.setInt16(index * 2, samples[index]!, byteOrder === 'little');
  return bytes;
}

/** A payload the engine sent, as 16-bit samples. */
export function decodePayload(bytes: Uint8Array, format: ReplyFormat, byteOrder: 'big' | 'little'): Int16Array {
  if (format.encoding === 'L16') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const samples = new Int16Array(bytes.length >> 1);
    for (let index = 0; index < samples.length; index++) samples[index] = view.getInt16(index * 2, byteOrder === 'little');
    return samples;
  }
  const decode = format.encoding === 'PCMA' ? alawDecode : mulawDecode;
  const samples = new Int16Array(bytes.length);
  for (let index = 0; index < bytes.length; index++) samples[index] = decode(bytes[index]!);
  return samples;
}
