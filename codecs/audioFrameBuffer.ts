import type { AudioFrame, AudioFrameKind } from '../bots/api.js';

/** The one mutable {@link AudioFrame} a stage owns and rewrites for every frame it emits. */
export class AudioFrameBuffer implements AudioFrame {
  readonly samples: Int16Array;
  sampleCount = 0;
  sampleRate: number;
  kind: AudioFrameKind = 'speech';
  sequenceNumber = -1;

  constructor(maxSamples: number, sampleRate: number) {
    this.samples = new Int16Array(maxSamples);
    this.sampleRate = sampleRate;
  }
}
