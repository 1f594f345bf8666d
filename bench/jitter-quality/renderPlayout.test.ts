import { describe, expect, it } from 'vitest';
import { pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { createDecoder } from '../../codecs/createCodec.js';
import { loadCallMedia } from './callMedia.js';
import { CONCEAL_FRAMES, renderAroundDisturbances, renderPlayout, renderReference } from './renderPlayout.js';
import { NO_FRAME } from './playoutOutcome.js';

const FRAME = 160;
const speech = pcmuStream(40);
const payloadOf = (i: number): Uint8Array => speech[i]!;

function energy(samples: Int16Array, frame: number): number {
  let sum = 0;
  for (let i = frame * FRAME; i < (frame + 1) * FRAME; i++) sum += samples[i]! * samples[i]!;
  return sum;
}

describe('renderPlayout', () => {
  it('decodes the frames heard, in the order heard', () => {
    const reference = renderReference(40, payloadOf, new PcmuDecoder(), FRAME);
    const heard = Int32Array.from([0, 1, 2, 5, 6]);
    const out = renderPlayout(heard, payloadOf, new PcmuDecoder(), FRAME);
    expect(out).toHaveLength(5 * FRAME);
    expect(out.subarray(0, 3 * FRAME)).toEqual(reference.subarray(0, 3 * FRAME));
    // A jump with no gap between is not a loss: frame 5 plays as decoded.
    expect(out.subarray(3 * FRAME)).toEqual(reference.subarray(5 * FRAME, 7 * FRAME));
  });

  it('conceals a gap as PlayoutStage does: pitch repetition fading out, then silence, then a cross-fade back', () => {
    const reference = renderReference(40, payloadOf, new PcmuDecoder(), FRAME);
    const gap = CONCEAL_FRAMES + 2;
    const heard = Int32Array.from([...Array.from({ length: 10 }, (_, i) => i), ...new Array<number>(gap).fill(NO_FRAME), 10 + gap, 11 + gap]);
    const out = renderPlayout(heard, payloadOf, new PcmuDecoder(), FRAME);
    expect(energy(out, 10)).toBeGreaterThan(0.5 * energy(reference, 10));
    expect(energy(out, 10 + CONCEAL_FRAMES - 1)).toBeLessThan(energy(out, 10));
    expect(energy(out, 10 + CONCEAL_FRAMES)).toBe(0);
    // Back in real audio: the first 5 ms fade in from the silence, the rest is the frame as decoded.
    const resumed = 10 + gap;
    expect(out.subarray(resumed * FRAME + 40, (resumed + 1) * FRAME)).toEqual(reference.subarray(resumed * FRAME + 40, (resumed + 1) * FRAME));
    expect(out[resumed * FRAME]).not.toBe(reference[resumed * FRAME]);
  });
});

describe('renderAroundDisturbances', () => {
  /** Heard: in order, a 3-frame gap at 40, a jump back (a late frame) at 100, frames dropped at 200. */
  function heardWithDisturbances(frames: number): Int32Array {
    const heard: number[] = [];
    for (let i = 0; i < frames; i++) {
      if (i >= 40 && i < 43) heard.push(NO_FRAME);
      else if (i >= 200 && i < 204) continue;
      else heard.push(i);
      if (i === 100) heard.push(98);
    }
    return Int32Array.from(heard);
  }

  it('is renderPlayout, sample for sample, for a decoder without state', () => {
    const long = pcmuStream(300, (i) => i % 150 < 100);
    const payload = (i: number): Uint8Array => long[i]!;
    const clean = renderReference(300, payload, new PcmuDecoder(), FRAME);
    const heard = heardWithDisturbances(300);
    const copied = renderAroundDisturbances(heard, payload, () => new PcmuDecoder(), FRAME, (source, out, at) => out.set(clean.subarray(source * FRAME, (source + 1) * FRAME), at));
    expect(copied).toEqual(renderPlayout(heard, payload, new PcmuDecoder(), FRAME));
  });

  it('is renderPlayout to within 40 dB on every frame for Opus, past a cold start', async () => {
    const opus = await loadCallMedia('bench/fixtures/opus-16k-conversation.capture.jsonl');
    const frames = 400;
    const samples = 320;
    const payload = (i: number): Uint8Array => opus.payloads[i]!;
    const clean = renderReference(frames, payload, createDecoder(opus.format), samples);
    const heard = heardWithDisturbances(frames);
    const copied = renderAroundDisturbances(heard, payload, () => createDecoder(opus.format), samples, (source, out, at) => out.set(clean.subarray(source * samples, (source + 1) * samples), at));
    const full = renderPlayout(heard, payload, createDecoder(opus.format), samples);
    for (let k = 0; k < heard.length; k++) {
      let signal = 0;
      let error = 0;
      for (let i = k * samples; i < (k + 1) * samples; i++) {
        signal += full[i]! * full[i]!;
        error += (full[i]! - copied[i]!) ** 2;
      }
      expect(error).toBeLessThanOrEqual(signal * 1e-4 + samples);
    }
  });
});
