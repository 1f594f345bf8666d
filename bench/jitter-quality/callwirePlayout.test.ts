import { describe, expect, it } from 'vitest';
import { pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { TickGrid } from './arrivalTrace.js';
import { playWithCallwire } from './callwirePlayout.js';
import { handTrace, steadyTrace } from './testTraces.js';

const speech = pcmuStream(500);
const payloadOf = (index: number): Uint8Array => speech[index % speech.length]!;

describe('playWithCallwire', () => {
  it('on a clean trace plays every frame once, each waiting only for the tick phase', () => {
    const trace = steadyTrace(300, 25);
    const outcome = playWithCallwire(trace, payloadOf, new PcmuDecoder(), new TickGrid(13));
    expect(outcome).toMatchObject({ delivered: 300, played: 300, late: 0, concealedTicks: 0, windowTicks: 300, droppedQuiet: 0, insertedTicks: 0 });
    // Arrivals at i×20 + 25 ≡ 5 (mod 20); ticks at 13 (mod 20): 8 ms to wait.
    expect(new Set(outcome.addedDelayMs)).toEqual(new Set([8]));
  });

  it('conceals through a stall in speech and plays the held frames afterwards, none late', () => {
    // Nothing delivered from 1,000 to 1,300 ms (a TCP stall), then the backlog back to back.
    const trace = steadyTrace(300, 0, (i) => (i >= 50 ? Math.max(0, 1300 + 0.05 * (i - 50) - i * 20) : 0));
    for (const timeStretch of [false, undefined]) {
      const outcome = playWithCallwire(trace, payloadOf, new PcmuDecoder(), new TickGrid(0), timeStretch === false ? { timeStretch } : undefined);
      expect(outcome.late).toBe(0);
      expect(outcome.played + outcome.late + outcome.droppedQuiet).toBe(outcome.delivered);
      expect(outcome.concealedTicks).toBeGreaterThanOrEqual(10);
      expect(Math.max(...outcome.addedDelayMs)).toBeGreaterThanOrEqual(300);
      const frameTicks = outcome.played + outcome.concealedTicks + outcome.insertedTicks;
      // Without time-stretching every tick of the window carried a frame, concealment or an inserted
      // silence; with it, the backlog of speech was shortened, so it took fewer ticks than frames.
      if (timeStretch === false) expect(outcome.windowTicks).toBe(frameTicks);
      else expect(outcome.windowTicks).toBeLessThan(frameTicks);
    }
  });

  it('counts a frame it gave up on as late, and a frame the sender never sent as concealment only', () => {
    const deliveries: [number, number][] = [];
    for (let i = 0; i < 200; i++) if (i !== 40 && i !== 120) deliveries.push([i, i * 20]);
    deliveries.push([120, 120 * 20 + 600]); // far too late: its slot was concealed long before
    deliveries.sort((a, b) => a[1] - b[1]);
    const outcome = playWithCallwire(handTrace(200, deliveries), payloadOf, new PcmuDecoder(), new TickGrid(5));
    expect(outcome.delivered).toBe(199);
    expect(outcome.late).toBe(1);
    expect(outcome.played).toBe(198);
    expect(outcome.concealedTicks).toBeGreaterThanOrEqual(2);
  });
});
