/** Bytes in the canonical RIFF + `fmt ` + `data` header that {@link writeWav} emits. */
export const WAV_HEADER_BYTES = 44;

const MAX_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

/**
 * Encodes interleaved PCM16 samples as a canonical WAV file: a 44-byte header (format 1, 16 bits
 * per sample, no extra chunks) followed by the samples, little-endian.
 *
 * @example
 * ```ts
 * writeFileSync('tone.wav', writeWav(samples, 8000));
 * ```
 *
 * @throws RangeError if `sampleRate` or `channels` is not a positive integer that fits the header,
 * if `samples.length` is not a multiple of `channels`, or if the audio exceeds the 4 GiB RIFF limit.
 */
export function writeWav(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  if (!Number.isInteger(channels) || channels < 1 || channels > 0x7fff) {
    throw new RangeError(`channels must be an integer from 1 to 32767, got ${channels}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff / (channels * 2)) {
    throw new RangeError(`sampleRate must be a positive integer whose byte rate fits 32 bits, got ${sampleRate}`);
  }
  if (samples.length % channels !== 0) {
    throw new RangeError(`${samples.length} samples do not divide into whole frames of ${channels} channels`);
  }
  const dataBytes = samples.length * 2;
  if (dataBytes > MAX_DATA_BYTES) throw new RangeError(`${dataBytes} bytes of audio exceed the RIFF size limit`);

  const out = Buffer.allocUnsafe(WAV_HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  // Per-sample LE writes rather than copying the Int16Array's memory, which is in host byte order.
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, WAV_HEADER_BYTES + i * 2);
  return out;
}
