import { describe, expect, it } from 'vitest';
import type { Capture, CaptureEvent } from '../capture/captureFormat.js';
import { cutCapture } from './cutCapture.js';
import { outboundPacing } from './replayReport.js';
import { DEFAULT_OUTBOUND, planReplay } from './replayPlan.js';

const message = (t: number, kind: 'in' | 'in-text' | 'in-bin' | 'out', text: string): CaptureEvent => ({ kind, t, data: Buffer.from(text) });
const media = (t: number, sequence: number): CaptureEvent =>
  message(t, 'in', `{"event":"media","sequence_number":"${sequence}","media":{"chunk":"${sequence - 1}","payload":"/w=="},"stream_id":"s-1"}`);

const capture: Capture = {
  header: { callwire: 'capture', version: 1, callId: 'c-1', serviceHost: 'echo.default', startedAt: '2025-06-02T15:04:05.000Z', inbound: { encoding: 'PCMU', sampleRate: 8000 }, outbound: null },
  events: [
    message(800, 'in', '{"event":"connected","version":"1.0.0"}'),
    message(1300, 'in', '{"event":"start","sequence_number":"1","start":{},"stream_id":"s-1"}'),
    media(20_000, 2),
    message(30_000, 'out', '{"event":"mark","mark":{"name":"m"}}'),
    message(39_000, 'in', '{"event":"mark","sequence_number":"3","mark":{"name":"m"},"stream_id":"s-1"}'),
    media(40_000, 4),
    message(41_000, 'in-text', 'not json'),
    message(42_000, 'in-bin', '\u0001\u0002'),
    media(60_000, 5),
    message(80_000, 'in', '{"event":"stop","sequence_number":"6","stop":{},"stream_id":"s-1"}'),
    { kind: 'close', t: 82_000, code: 1000, reason: '' },
  ],
};

describe('planReplay', () => {
  it('sends every inbound message with its bytes and offset, and leaves the captured mark echo out', () => {
    const plan = planReplay(capture);
    expect(plan.sends.map((item) => [item.atMs, item.event ?? (item.binary ? 'binary' : 'text')])).toEqual([
      [0.8, 'connected'],
      [1.3, 'start'],
      [20, 'media'],
      [40, 'media'],
      [41, 'text'],
      [42, 'binary'],
      [60, 'media'],
      [80, 'stop'],
    ]);
    const inbound = capture.events.filter((event) => event.kind === 'in' || event.kind === 'in-text' || event.kind === 'in-bin');
    const kept = inbound.filter((event) => !('data' in event) || !event.data.toString().includes('"mark"'));
    expect(plan.sends.map((item) => item.data)).toEqual(kept.map((event) => ('data' in event ? event.data : undefined)));
    expect(plan).toMatchObject({ skippedMarkEchoes: 1, capturedOutbound: 1, streamId: 's-1', highestSequenceNumber: 6, outbound: DEFAULT_OUTBOUND });
    expect(plan.close).toEqual({ atMs: 82, code: 1000, reason: '' });
  });

  it('keeps the captured mark echoes when asked', () => {
    const plan = planReplay(capture, { keepCapturedMarks: true });
    expect(plan.sends.filter((item) => item.event === 'mark')).toHaveLength(1);
    expect(plan.skippedMarkEchoes).toBe(0);
  });
});

describe('cutCapture', () => {
  it('keeps what came before the cut and moves the stop and close to it', () => {
    const cut = cutCapture(capture, 50);
    expect(cut.events.map((event) => [event.t, event.kind])).toEqual([
      [800, 'in'],
      [1300, 'in'],
      [20_000, 'in'],
      [30_000, 'out'],
      [39_000, 'in'],
      [40_000, 'in'],
      [41_000, 'in-text'],
      [42_000, 'in-bin'],
      [50_000, 'in'],
      [52_000, 'close'],
    ]);
    expect(planReplay(cut).sends.at(-1)?.event).toBe('stop');
  });

  it('returns the capture itself when the cut is past its end', () => {
    expect(cutCapture(capture, 1000)).toBe(capture);
    expect(() => cutCapture(capture, 0)).toThrow(RangeError);
  });
});

describe('outboundPacing', () => {
  it('is all zero for messages spaced exactly by the audio they carry', () => {
    const pacing = outboundPacing([0, 60, 120, 180], [60, 60, 60, 60]);
    expect(pacing.interArrivalMs).toMatchObject({ count: 3, p50: 60, max: 60 });
    expect(pacing.pacingDeviationMs).toMatchObject({ count: 3, max: 0 });
    expect(pacing.playoutGaps).toBe(0);
  });

  it('counts a late message as a playout gap, and a long silence as a new talk spurt', () => {
    // 0: 60 ms; 75: 15 ms late (gap); 500: a new spurt after a pause, not a gap.
    const pacing = outboundPacing([0, 75, 500, 560], [60, 60, 60, 60]);
    expect(pacing.playoutGaps).toBe(1);
    expect(pacing.playoutGapMs).toBe(15);
    expect(pacing.pacingDeviationMs.count).toBe(2);
    expect(pacing.pacingDeviationMs.max).toBe(15);
  });

  it('starts a new spurt after a clear', () => {
    const pacing = outboundPacing([0, 10, 100], [60, 60, 60], [5]);
    expect(pacing.pacingDeviationMs.count).toBe(1);
    expect(pacing.playoutGaps).toBe(1); // the audio queued after the clear ran out at 70 ms
  });
});
