/** The header of a growing stereo PCM16 WAV, rewritten in place after every append. */
import { WAV_HEADER_BYTES, writeWav } from '../../bots/wav/writeWav.js';

/** Offset of the RIFF chunk's size field. */
const RIFF_SIZE_OFFSET = 4;
/** Offset of the `data` chunk's size field in the canonical header. */
const DATA_SIZE_OFFSET = 40;

/**
 * Largest `data` chunk a canonical WAV can declare, in bytes: the RIFF size field is 32 bits and
 * also counts the 36 header bytes after it. Rounded down to whole stereo frames.
 */
export const MAX_WAV_DATA_BYTES = Math.floor((0xffffffff - (WAV_HEADER_BYTES - 8)) / 4) * 4;

/**
 * A 44-byte canonical header for stereo PCM16 at `sampleRate` with no data yet: on its own, a
 * valid empty WAV.
 *
 * @throws RangeError if `sampleRate` does not fit the header (from {@link writeWav}).
 */
export function createStereoWavHeader(sampleRate: number): Buffer {
  return writeWav(new Int16Array(0), sampleRate, 2);
}

/**
 * Sets the RIFF and `data` sizes of a header from {@link createStereoWavHeader} for `dataBytes` of
 * samples.
 *
 * @throws RangeError if `dataBytes` exceeds {@link MAX_WAV_DATA_BYTES}.
 */
export function setWavDataBytes(header: Buffer, dataBytes: number): void {
  if (dataBytes > MAX_WAV_DATA_BYTES) throw new RangeError(`${dataBytes} bytes of audio exceed the RIFF size limit`);
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, RIFF_SIZE_OFFSET);
  header.writeUInt32LE(dataBytes, DATA_SIZE_OFFSET);
}
