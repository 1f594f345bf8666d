import { Subject, map, toArray, firstValueFrom, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { AudioFrame, AudioFrameKind } from '../../bots/api.js';
import { speechLikeSignal } from '../../bench/resample/signals.js';
import { AudioFrameBuffer } from '../audioFrameBuffer.js';
import { resampleFrames } from '../operators/resampleFrames.js';
import { createResampler } from './createResampler.js';

function inputFrame(samples: Int16Array, sampleRate: number, kind: AudioFrameKind, sequenceNumber: number): AudioFrame {
  return { samples, sampleCount: samples.length, sampleRate, kind, sequenceNumber };
}

const summary = (frame: AudioFrame) => ({ count: frame.sampleCount, rate: frame.sampleRate, kind: frame.kind, seq: frame.sequenceNumber });

describe('resampleFrames', () => {
  it('maps each 20 ms frame to one 20 ms frame at the output rate, keeping kind and sequence number', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const frame = new Int16Array(160);
      const source = cold('a-b-c|', {
        a: inputFrame(frame, 8000, 'speech', 1),
        b: inputFrame(frame, 8000, 'concealed', 2),
        c: inputFrame(frame, 8000, 'silence', -1),
      });
      expectObservable(source.pipe(resampleFrames(createResampler(8000, 16000)), map(summary))).toBe('a-b-c|', {
        a: { count: 320, rate: 16000, kind: 'speech', seq: 1 },
        b: { count: 320, rate: 16000, kind: 'concealed', seq: 2 },
        c: { count: 320, rate: 16000, kind: 'silence', seq: -1 },
      });
    });
  });

  it('emits one reused frame object whose samples are the resampler output', async () => {
    const signal = speechLikeSignal(16000, 3200);
    const frames = Array.from({ length: 10 }, (_, f) => inputFrame(signal.subarray(f * 320, (f + 1) * 320), 16000, 'speech', f));
    const emitted = await firstValueFrom(
      of(...frames).pipe(
        resampleFrames(createResampler(16000, 8000)),
        map((frame) => ({ frame, copy: frame.samples.slice(0, frame.sampleCount) })),
        toArray(),
      ),
    );
    expect(new Set(emitted.map((e) => e.frame)).size).toBe(1);
    expect(emitted[0]!.frame).toBeInstanceOf(AudioFrameBuffer);
    const reference = createResampler(16000, 8000);
    const expected = new Int16Array(1600);
    reference.process(signal, signal.length, expected);
    expect(Int16Array.from(emitted.flatMap((e) => [...e.copy]))).toEqual(expected);
  });

  it('grows its buffer for a frame longer than 60 ms instead of truncating', async () => {
    const long = inputFrame(speechLikeSignal(8000, 8000), 8000, 'speech', 7); // one second
    const [count] = await firstValueFrom(of(long).pipe(resampleFrames(createResampler(8000, 48000)), map((f) => f.sampleCount), toArray()));
    expect(count).toBe(48000);
  });

  it('errors the stream on a frame at the wrong rate', () => {
    const source = new Subject<AudioFrame>();
    const seen: unknown[] = [];
    source.pipe(resampleFrames(createResampler(8000, 16000))).subscribe({ next: (f) => seen.push(f.sampleCount), error: (e: unknown) => seen.push(e) });
    source.next(inputFrame(new Int16Array(160), 8000, 'speech', 1));
    source.next(inputFrame(new Int16Array(320), 16000, 'speech', 2));
    source.next(inputFrame(new Int16Array(160), 8000, 'speech', 3));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(320);
    expect(seen[1]).toBeInstanceOf(RangeError);
  });

  it('passes errors and completion through', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const resampler = createResampler(8000, 8000);
      expectObservable(cold<AudioFrame>('--#', undefined, new Error('upstream')).pipe(resampleFrames(resampler))).toBe('--#', undefined, new Error('upstream'));
      expectObservable(cold<AudioFrame>('---|').pipe(resampleFrames(resampler))).toBe('---|');
    });
  });
});
