import { WavFormatError } from './errors.js';

/** Decoded PCM16 audio from a WAV file. */
export interface WavAudio {
  /** Frames per second, in Hz. */
  readonly sampleRate: number;
  /** Interleaved channels per frame. */
  readonly channels: number;
  /** Interleaved samples; `samples.length / channels` frames. */
  readonly samples: Int16Array;
}

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const MIN_FMT_BYTES = 16;
const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Parses a RIFF/WAVE file holding 16-bit integer PCM.
 *
 * @remarks Walks the chunk list, skipping chunks it does not need (`LIST`, `fact`, `cue `, …) and
 * the pad byte after odd-sized ones, so files from any editor load. Fields and samples are read as
 * little-endian whatever the host's byte order. The samples are copied, so `bytes` may be reused.
 *
 * @example
 * ```ts
 * const { sampleRate, channels, samples } = readWav(readFileSync('greeting.wav'));
 * ```
 *
 * @throws {@link WavFormatError} if the bytes are not RIFF/WAVE, lack a `fmt ` or `data` chunk, are
 * truncated, or hold anything but format 1 (PCM) at 16 bits per sample.
 */
export function readWav(bytes: Uint8Array): WavAudio {
  // Respect byteOffset: a Buffer from readFileSync may be a slice of Node's shared pool.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  if (end < RIFF_HEADER_BYTES) {
    throw new WavFormatError(`WAV is ${end} bytes, shorter than the ${RIFF_HEADER_BYTES}-byte RIFF header`);
  }
  if (fourCc(view, 0) !== 'RIFF') throw new WavFormatError(`not a RIFF file: starts with ${quote(view, 0)}`);
  if (fourCc(view, 8) !== 'WAVE') throw new WavFormatError(`RIFF form type is ${quote(view, 8)}, not "WAVE"`);

  let fmt: Fmt | undefined;
  let dataStart = -1;
  let dataBytes = 0;
  let offset = RIFF_HEADER_BYTES;
  while (offset + CHUNK_HEADER_BYTES <= end && (fmt === undefined || dataStart < 0)) {
    const id = fourCc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + CHUNK_HEADER_BYTES;
    if (size > end - body) {
      throw new WavFormatError(`WAV is truncated: "${id}" chunk declares ${size} bytes but ${end - body} remain`);
    }
    if (id === 'fmt ') {
      fmt = readFmt(view, body, size);
    } else if (id === 'data') {
      dataStart = body;
      dataBytes = size;
    }
    // RIFF chunks are word-aligned: an odd-sized body is followed by one pad byte.
    offset = body + size + (size & 1);
  }
  if (fmt === undefined) throw new WavFormatError('WAV has no "fmt " chunk');
  if (dataStart < 0) throw new WavFormatError('WAV has no "data" chunk');

  const frameBytes = fmt.channels * 2;
  if (dataBytes % frameBytes !== 0) {
    throw new WavFormatError(`WAV is truncated: data chunk is ${dataBytes} bytes, not a whole number of ${frameBytes}-byte frames`);
  }
  const samples = new Int16Array(dataBytes / 2);
  // DataView, not an Int16Array view: the data may start at an odd offset, and the host may be big-endian.
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(dataStart + i * 2, true);
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
}

interface Fmt {
  readonly sampleRate: number;
  readonly channels: number;
}

function readFmt(view: DataView, body: number, size: number): Fmt {
  if (size < MIN_FMT_BYTES) throw new WavFormatError(`"fmt " chunk is ${size} bytes, shorter than ${MIN_FMT_BYTES}`);
  const format = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bitsPerSample = view.getUint16(body + 14, true);
  if (format !== FORMAT_PCM) {
    const hint = format === FORMAT_EXTENSIBLE ? ' (WAVE_FORMAT_EXTENSIBLE)' : format === 3 ? ' (IEEE float)' : '';
    throw new WavFormatError(`unsupported WAV format ${format}${hint}; only 1 (integer PCM) is supported`);
  }
  if (bitsPerSample !== 16) {
    throw new WavFormatError(`unsupported WAV bit depth ${bitsPerSample}; only 16 bits per sample is supported`);
  }
  if (channels === 0) throw new WavFormatError('WAV declares 0 channels');
  if (sampleRate === 0) throw new WavFormatError('WAV declares a sample rate of 0 Hz');
  if (blockAlign !== channels * 2) {
    throw new WavFormatError(`WAV block align is ${blockAlign}, expected ${channels * 2} for ${channels} channel(s) of 16-bit PCM`);
  }
  return { sampleRate, channels };
}

function fourCc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

function quote(view: DataView, at: number): string {
  return JSON.stringify(fourCc(view, at));
}
