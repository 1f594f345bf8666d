import alawmulaw from 'alawmulaw';
import { L16Decoder } from '../../codecs/l16.js';
import { PcmaDecoder, PcmaEncoder } from '../../codecs/pcma.js';
import { PcmuDecoder, PcmuEncoder } from '../../codecs/pcmu.js';
import type { AudioDecoder, AudioEncoder } from '../../codecs/types.js';
import { G711_FRAME_SAMPLES, L16_FRAME_SAMPLES, type MicroInputs } from './inputs.js';
import { assertSameSamples, type BenchPair } from './pair.js';

/** The decode paths must not allocate; this leaves room for measurement noise only. */
const DECODE_HEAP_LIMIT = 64;

/** G.711 decode of one frame: our table decoder into a reused buffer vs alawmulaw's allocating `decode`. */
function g711DecodePair(name: string, decoder: AudioDecoder, payload: Uint8Array, baseline: (bytes: Uint8Array) => Int16Array): BenchPair {
  const out = new Int16Array(G711_FRAME_SAMPLES);
  return {
    name,
    ours: [{ label: 'callwire', op: () => decoder.decode(payload, payload.length, out) }],
    baseline: { label: 'alawmulaw', op: () => baseline(payload) },
    maxHeapBytesPerOp: DECODE_HEAP_LIMIT,
    verify() {
      decoder.decode(payload, payload.length, out);
      assertSameSamples(name, out, baseline(payload));
    },
  };
}

/** G.711 encode of one frame: our table encoder into a reused buffer vs alawmulaw's allocating `encode`. */
function g711EncodePair(name: string, encoder: AudioEncoder, pcm: Int16Array, baseline: (samples: Int16Array) => Uint8Array): BenchPair {
  const out = new Uint8Array(G711_FRAME_SAMPLES);
  return {
    name,
    ours: [{ label: 'callwire', op: () => encoder.encode(pcm, 0, pcm.length, out) }],
    baseline: { label: 'alawmulaw', op: () => baseline(pcm) },
    maxHeapBytesPerOp: DECODE_HEAP_LIMIT,
    verify() {
      encoder.encode(pcm, 0, pcm.length, out);
      assertSameSamples(name, out, baseline(pcm));
    },
  };
}

/** The obvious L16 decoder: a DataView over the payload and a fresh Int16Array per frame. */
function dataViewL16Decode(payload: Uint8Array): Int16Array {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out = new Int16Array(payload.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, false);
  return out;
}

/** L16 16 kHz decode of one frame: ours into a reused buffer vs {@link dataViewL16Decode}. */
function l16DecodePair(payload: Uint8Array): BenchPair {
  const decoder = new L16Decoder({ sampleRate: 16_000 });
  const out = new Int16Array(L16_FRAME_SAMPLES);
  return {
    name: 'L16 16 kHz decode, 640 B → 320 samples',
    ours: [{ label: 'callwire', op: () => decoder.decode(payload, payload.length, out) }],
    baseline: { label: 'DataView + new Int16Array', op: () => dataViewL16Decode(payload) },
    maxHeapBytesPerOp: DECODE_HEAP_LIMIT,
    verify() {
      decoder.decode(payload, payload.length, out);
      assertSameSamples('L16 decode', out, dataViewL16Decode(payload));
    },
  };
}

/** Item 1 (G.711 decode and encode, both laws) and item 4 (L16 decode) of the microbenchmarks. */
export function codecPairs(inputs: MicroInputs): BenchPair[] {
  return [
    g711DecodePair('µ-law decode, 160 B → 160 samples', new PcmuDecoder(), inputs.mulaw, (b) => alawmulaw.mulaw.decode(b)),
    g711EncodePair('µ-law encode, 160 samples → 160 B', new PcmuEncoder(), inputs.pcm8k, (s) => alawmulaw.mulaw.encode(s)),
    g711DecodePair('A-law decode, 160 B → 160 samples', new PcmaDecoder(), inputs.alaw, (b) => alawmulaw.alaw.decode(b)),
    g711EncodePair('A-law encode, 160 samples → 160 B', new PcmaEncoder(), inputs.pcm8k, (s) => alawmulaw.alaw.encode(s)),
    l16DecodePair(inputs.l16BigEndian),
  ];
}
