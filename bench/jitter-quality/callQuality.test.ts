import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../codecs/createCodec.js';
import { TickGrid } from './arrivalTrace.js';
import { syntheticMedia, type CallMedia } from './callMedia.js';
import { CallReferences, scoreCallAudio } from './callQuality.js';
import { playWithCallwire } from './callwirePlayout.js';
import { playFixedDelay } from './fixedDelayPlayout.js';
import { playWithoutBuffer } from './noBufferPlayout.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { renderReference } from './renderPlayout.js';
import type { QualityScore } from './speechQuality.js';
import { steadyTrace } from './testTraces.js';

const media = syntheticMedia(400);

describe('CallReferences', () => {
  it('decodes a source once, and places each call in it by its starting frame', () => {
    const references = new CallReferences();
    const first = references.of(media, 37);
    const second = references.of(media, 250);
    expect(second.speech).toBe(first.speech);
    expect([first.offset, second.offset]).toEqual([37, 250]);
    expect(first.firstScoredFrame).toBe(0);
    expect(first.speech.frameCount).toBe(400);
  });

  it('leaves the cold start of a decoder with state out of the score, and decodes its loop across the seam', () => {
    const g722: CallMedia = { ...media, name: 'g722', format: { encoding: 'G722', sampleRate: 16000 } };
    const references = new CallReferences();
    const call = references.of(g722, 37);
    expect(call).toMatchObject({ offset: 37, firstScoredFrame: 10 });
    expect(references.of(g722, 99).speech).toBe(call.speech);
    // Frame 0 of the loop is frame 0 as decoded after the last frame, not by a cold decoder.
    const cold = renderReference(1, (i) => g722.payloads[i]!, createDecoder(g722.format), 320);
    expect(call.speech.samples.subarray(0, 320)).not.toEqual(cold);
  });
});

describe('scoreCallAudio', () => {
  it('scores the same frames heard the same, and a strategy that conceals more lower', () => {
    // Frames 30–59 (source frames 50–79, voiced) arrive 150 ms late;
    // the 200 ms buffer waits for them, no buffer does not.
    const trace = steadyTrace(300, 0, (i) => (i >= 30 && i < 60 ? 150 : 0));
    const grid = new TickGrid(5);
    const fixed = playFixedDelay(trace, 200, grid);
    const outcomes = {
      callwire: fixed,
      'fixed-200': fixed,
      oracle: playFixedDelay(trace, 160, grid),
      'oracle-same-concealment': playFixedDelay(trace, 40, grid),
      'oracle-1pct': playFixedDelay(trace, 0, grid),
      'no-buffer': playWithoutBuffer(trace, grid),
    } as Record<StrategyName, PlayoutOutcome>;
    const payloadOf = (i: number): Uint8Array => media.payloads[(20 + i) % media.payloads.length]!;
    const scores = scoreCallAudio(outcomes, trace, media.format, payloadOf, new CallReferences().of(media, 20));
    expect(scores['fixed-200'].score).toBe(5);
    expect(scores.oracle.score).toBe(5);
    expect(scores['oracle-same-concealment'].score).toBeLessThan(4.5);
    expect(scores['oracle-1pct'].score).toBe(scores['oracle-same-concealment'].score);
    expect(scores['no-buffer'].score).toBeLessThan(5);
  });

  it('scores callwire draining a stall by time-stretching as it scores the same call without stretching: cut pitch periods are not lost speech', () => {
    // Nothing delivered from 1,000 to 1,300 ms in voiced speech, then the backlog back to back.
    const trace = steadyTrace(500, 0, (i) => (i >= 50 ? Math.max(0, 1300 + 0.05 * (i - 50) - i * 20) : 0));
    const payloadOf = (i: number): Uint8Array => media.payloads[(20 + i) % media.payloads.length]!;
    const grid = new TickGrid(0);
    const scoreOf = (callwire: PlayoutOutcome): QualityScore => {
      const outcomes = { callwire, 'fixed-200': callwire, oracle: callwire, 'oracle-same-concealment': callwire, 'oracle-1pct': callwire, 'no-buffer': callwire };
      return scoreCallAudio(outcomes, trace, media.format, payloadOf, new CallReferences().of(media, 20)).callwire;
    };
    const stretched = playWithCallwire(trace, payloadOf, createDecoder(media.format), grid);
    const whole = playWithCallwire(trace, payloadOf, createDecoder(media.format), grid, { timeStretch: false });
    expect(stretched.shortenedMs).toBeGreaterThan(100);
    expect(stretched.concealedTicks).toBe(whole.concealedTicks);
    // Frames that start inside a packet are placed in the source at a fraction of a frame.
    expect(Array.from(stretched.heard).some((source) => source >= 0 && !Number.isInteger(source))).toBe(true);
    const score = scoreOf(stretched).score;
    expect(score).toBeLessThan(5);
    expect(Math.abs(score - scoreOf(whole).score)).toBeLessThan(0.05);
    // Placed by whole packets instead, the stretched frames are taken for misplaced audio.
    const byWholePackets = { ...stretched, heard: stretched.heard.map((source) => (source >= 0 ? Math.ceil(source) : source)) };
    expect(scoreOf(byWholePackets).score).toBeLessThan(score - 0.2);
  });
});
