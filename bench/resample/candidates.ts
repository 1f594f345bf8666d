import { speexModule } from '../../codecs/resample/speexModule.js';
import { SpeexResampler } from '../../codecs/resample/speexResampler.js';
import type { Resampler } from '../../codecs/resample/types.js';
import { LibsamplerateConverter, LibsamplerateResampler } from './libsamplerateResampler.js';
import { LinearResampler } from './linearResampler.js';
import { designPolyphaseFilter } from './polyphaseFilter.js';
import { PolyphaseResampler } from './polyphaseResampler.js';

/** One resampler implementation under comparison. */
export interface Candidate {
  /** Row label in the results table. */
  readonly name: string;
  /** True for the baseline every other row is compared with. */
  readonly baseline: boolean;
  /** A fresh, independent instance for the rate pair. */
  create(inputRate: number, outputRate: number): Promise<Resampler>;
}

/** Every candidate resampler, plus linear interpolation as the baseline. */
export const CANDIDATES: readonly Candidate[] = [
  { name: 'linear interpolation (baseline)', baseline: true, create: async (from, to) => new LinearResampler(from, to) },
  { name: 'callwire polyphase FIR (JS)', baseline: false, create: async (from, to) => new PolyphaseResampler(from, to, designPolyphaseFilter(from, to)) },
  { name: 'speex q3 (wasm SIMD, shipped)', baseline: false, create: async (from, to) => new SpeexResampler(speexModule, from, to, 3) },
  { name: 'speex q4 (wasm SIMD)', baseline: false, create: async (from, to) => new SpeexResampler(speexModule, from, to, 4) },
  { name: 'speex q5 (wasm SIMD)', baseline: false, create: async (from, to) => new SpeexResampler(speexModule, from, to, 5) },
  {
    name: 'libsamplerate SINC_FASTEST',
    baseline: false,
    create: (from, to) => LibsamplerateResampler.create(from, to, LibsamplerateConverter.SRC_SINC_FASTEST),
  },
  {
    name: 'libsamplerate SINC_MEDIUM',
    baseline: false,
    create: (from, to) => LibsamplerateResampler.create(from, to, LibsamplerateConverter.SRC_SINC_MEDIUM_QUALITY),
  },
];
