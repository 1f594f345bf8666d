/** Public surface of `codecs/`: PCMU, PCMA and L16 coders behind one factory. The G.711 tables stay internal. */
export type { AudioDecoder, AudioEncoder, TelnyxEncoding } from './types.js';
export type { CodecFormat, CodecOptions } from './createCodec.js';
export { createDecoder, createEncoder } from './createCodec.js';
export { CodecErrorCode, UnsupportedCodecError, isUnsupportedCodecError } from './errors.js';
export type { L16ByteOrder, L16Options } from './l16.js';
export { L16Decoder, L16Encoder } from './l16.js';
export { PCMU_SAMPLE_RATE, PcmuDecoder, PcmuEncoder, mulawDecodeInto, mulawEncodeInto } from './pcmu.js';
export { PCMA_SAMPLE_RATE, PcmaDecoder, PcmaEncoder, alawDecodeInto, alawEncodeInto } from './pcma.js';
