/** Public surface of `codecs/g722/`: the ITU-T G.722 64 kbit/s coders and their rates. */
export { G722Decoder } from './decoder.js';
export { G722Encoder } from './encoder.js';
export { G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE } from './rates.js';
