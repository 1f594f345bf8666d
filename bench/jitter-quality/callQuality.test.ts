import { describe, expect, it } from 'vitest';
import { TickGrid } from './arrivalTrace.js';
import { syntheticMedia, type CallMedia } from './callMedia.js';
import { CallReferences, scoreCallAudio } from './callQuality.js';
import { playFixedDelay } from './fixedDelayPlayout.js';
import { playWithoutBuffer } from './noBufferPlayout.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { steadyTrace } from './testTraces.js';

const media = syntheticMedia(400);

describe('CallReferences', () => {
  it('decodes a stateless codec\'s source once, and places each call in it by its starting frame', () => {
    const references = new CallReferences();
    const first = references.of(media, 37, 200);
    const second = references.of(media, 250, 300);
    expect(second.speech).toBe(first.speech);
    expect([first.offset, second.offset]).toEqual([37, 250]);
    expect(first.speech.frameCount).toBe(400);
  });

  it('gives a call on a codec with state its own reference, decoded from its starting frame', () => {
    const opus: CallMedia = { ...media, name: 'opus-like', format: { encoding: 'G722', sampleRate: 16000 } };
    const references = new CallReferences();
    const call = references.of(opus, 37, 50);
    expect(call.offset).toBe(0);
    expect(call.speech.frameCount).toBe(50);
    expect(references.of(opus, 37, 50).speech).not.toBe(call.speech);
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
    const scores = scoreCallAudio(outcomes, trace, media.format, payloadOf, new CallReferences().of(media, 20, 300));
    expect(scores['fixed-200'].score).toBe(5);
    expect(scores.oracle.score).toBe(5);
    expect(scores['oracle-same-concealment'].score).toBeLessThan(4.5);
    expect(scores['oracle-1pct'].score).toBe(scores['oracle-same-concealment'].score);
    expect(scores['no-buffer'].score).toBeLessThan(5);
  });
});
