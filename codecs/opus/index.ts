/** Public surface of `codecs/opus/`: per-call Opus coders over `@discordjs/opus`. */
export { OpusCodecError, OpusErrorCode, isOpusCodecError } from './errors.js';
export type { OpusNative, OpusNativeConstructor } from './native.js';
export { OPUS_MAX_PACKET_BYTES, OpusFrameDecoder, type OpusDecoderOptions } from './opusFrameDecoder.js';
export { OpusFrameEncoder, defaultOpusBitrate, type OpusEncoderOptions } from './opusFrameEncoder.js';
export { OPUS_SAMPLE_RATES, isOpusSampleRate } from './packet.js';
export { openOpusCoders } from './openCoders.js';
