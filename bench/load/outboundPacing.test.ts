import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANCHOR_WINDOW, OutboundPacing, PacingOutcome, SPURT_GAP_MS, outboundAudioMs } from './outboundPacing.js';

describe('outboundAudioMs', () => {
  it('turns payload bytes into milliseconds by codec', () => {
    expect(outboundAudioMs({ encoding: 'PCMU', sampleRate: 8000 }, 480)).toBe(60);
    expect(outboundAudioMs({ encoding: 'PCMA', sampleRate: 8000 }, 160)).toBe(20);
    expect(outboundAudioMs({ encoding: 'L16', sampleRate: 16000 }, 1920)).toBe(60);
    expect(outboundAudioMs({ encoding: 'OPUS', sampleRate: 16000 }, 57)).toBe(20);
    expect(() => outboundAudioMs({ encoding: 'G729', sampleRate: 8000 }, 10)).toThrow(RangeError);
  });
});

describe('OutboundPacing', () => {
  it('scores a perfectly paced spurt as zero error: message j due 20 ms before the audio before it runs out', () => {
    const pacing = new OutboundPacing();
    // 40 ms prebuffer + 60 ms messages: first at 1000, then each when 20 ms is left.
    expect(pacing.onMessage(1000, 60)).toBe(PacingOutcome.SpurtStart);
    expect(pacing.onMessage(1040, 60)).toBe(PacingOutcome.OnTime);
    expect(pacing.lastErrorMs).toBe(0);
    expect(pacing.onMessage(1100, 60)).toBe(PacingOutcome.OnTime);
    expect(pacing.lastErrorMs).toBe(0);
    expect(pacing.underruns).toBe(0);
  });

  it('reports early and late messages by their distance from the ideal; an early one does not move the schedule', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(0, 60);
    pacing.onMessage(37, 60); // ideal 40
    expect(pacing.lastErrorMs).toBeCloseTo(3, 10);
    pacing.onMessage(104, 60); // ideal 100
    expect(pacing.lastErrorMs).toBeCloseTo(4, 10);
    pacing.onMessage(160, 20); // ideal 160: the engine, counting what Telnyx holds, keeps the first schedule
    expect(pacing.lastErrorMs).toBeCloseTo(0, 10);
  });

  it('counts an underrun when a message arrives after the audio in front of it ran out, on Telnyx’s playout', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(0, 60);
    expect(pacing.onMessage(65, 60)).toBe(PacingOutcome.Underrun); // audio ran out at 60
    expect(pacing.lastErrorMs).toBeCloseTo(25, 10);
    expect(pacing.underruns).toBe(1);
    // Telnyx restarted playback at 65, so it holds audio until 125: a message at 110 is no underrun.
    expect(pacing.onMessage(110, 20)).toBe(PacingOutcome.OnTime);
    expect(pacing.underruns).toBe(1);
  });

  it('counts no underrun while audio that came early is still playing', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(0, 60); // plays until 60
    pacing.onMessage(5, 60); // 35 ms early: Telnyx now holds audio until 120
    expect(pacing.onMessage(110, 20)).toBe(PacingOutcome.OnTime); // 30 ms late (ideal 100), but 10 ms of audio left
    expect(pacing.lastErrorMs).toBeCloseTo(10, 10);
    expect(pacing.underruns).toBe(0);
  });

  it('does not score messages read after the generator stalled, and keeps the schedule through them', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(0, 40);
    for (let j = 1; j < 5; j++) pacing.onMessage(j * 20, 20);
    // The generator stalls for 150 ms; the 8 messages sent meanwhile are read at once at 250.
    for (let j = 0; j < 8; j++) expect(pacing.onMessage(250, 20, false)).toBe(PacingOutcome.Unscored);
    // Then messages flow again every 20 ms, on the first schedule.
    for (let j = 13; j <= 18; j++) {
      expect(pacing.onMessage(j * 20, 20)).toBe(PacingOutcome.OnTime);
      expect(pacing.lastErrorMs).toBeCloseTo(0, 10);
    }
    expect(pacing.spurts).toBe(1);
    expect(pacing.underruns).toBe(0);
  });

  it('starts a new spurt after a gap of more than 100 ms beyond the schedule', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(0, 60);
    expect(pacing.onMessage(40 + SPURT_GAP_MS + 1, 60)).toBe(PacingOutcome.SpurtStart);
    expect(pacing.spurts).toBe(2);
    expect(pacing.onMessage(141 + 40, 20)).toBe(PacingOutcome.OnTime);
    expect(pacing.lastErrorMs).toBeCloseTo(0, 10);
  });

  it('does not let a late first message make the rest of the call look early', () => {
    const pacing = new OutboundPacing();
    pacing.onMessage(25, 40); // due at 0, delayed 25 ms by a hiccup
    const errors: number[] = [];
    for (let j = 1; j <= 10; j++) {
      pacing.onMessage(j * 20, 20);
      errors.push(pacing.lastErrorMs);
    }
    expect(errors[0]).toBeCloseTo(25, 10); // judged from the first arrival, as the definition says
    expect(errors.slice(2).every((error) => error < 1e-9)).toBe(true); // then from where the messages say the schedule is
  });

  it('gives |e_j − m_j| for arrivals offset by e_j, m_j the median offset of the spurt so far (0 for the first message)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.array(fc.record({ audioMs: fc.constantFrom(20, 40, 60), offset: fc.double({ min: -15, max: 40, noNaN: true }) }), { minLength: 1, maxLength: 100 }),
        (start, messages) => {
          const pacing = new OutboundPacing();
          pacing.onMessage(start, 60);
          let audioBefore = 60;
          const offsets = [0];
          for (const { audioMs, offset } of messages) {
            const recent = offsets.slice(-ANCHOR_WINDOW).sort((a, b) => a - b);
            const median = recent[recent.length >> 1] ?? 0;
            const outcome = pacing.onMessage(start + audioBefore - 20 + offset, audioMs);
            expect(outcome).not.toBe(PacingOutcome.SpurtStart);
            expect(pacing.lastErrorMs).toBeCloseTo(Math.abs(offset - median), 4);
            offsets.push(offset);
            audioBefore += audioMs;
          }
          expect(pacing.spurts).toBe(1);
        },
      ),
    );
  });
});
