/** Public surface of `codecs/`: PCMU, PCMA, L16, Opus and G.722 coders behind one factory. The G.711 tables stay internal. */
export type { AudioDecoder, AudioEncoder, LossRecovery, TelnyxEncoding } from './types.js';
export type { CodecFormat, CodecOptions } from './createCodec.js';
export { createDecoder, createEncoder } from './createCodec.js';
export { CodecErrorCode, UnsupportedCodecError, isUnsupportedCodecError } from './errors.js';
export type { L16ByteOrder, L16Options } from './l16.js';
export { L16Decoder, L16Encoder } from './l16.js';
export { PCMU_SAMPLE_RATE, PcmuDecoder, PcmuEncoder, mulawDecodeInto, mulawEncodeInto } from './pcmu.js';
export { PCMA_SAMPLE_RATE, PcmaDecoder, PcmaEncoder, alawDecodeInto, alawEncodeInto } from './pcma.js';
export {
  OPUS_MAX_PACKET_BYTES,
  OPUS_SAMPLE_RATES,
  OpusCodecError,
  OpusErrorCode,
  OpusFrameDecoder,
  OpusFrameEncoder,
  defaultOpusBitrate,
  isOpusCodecError,
  isOpusSampleRate,
} from './opus/index.js';
export { G722Decoder, G722Encoder, G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE } from './g722/index.js';
export type { OpusDecoderOptions, OpusEncoderOptions } from './opus/index.js';
