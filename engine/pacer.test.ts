import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { silentLogger } from './logger.js';
import { Pacer, type PacedStream } from './pacer.js';

class CountingStream implements PacedStream {
  pacerSlot = -1;
  readonly paces: number[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly onPace?: () => void,
  ) {}
  pace(): void {
    this.paces.push(this.clock.now());
    this.onPace?.();
  }
}

describe('Pacer', () => {
  it('drives every stream once per 20 ms tick from one timer', () => {
    const clock = new ManualClock(1000);
    const pacer = new Pacer(clock, silentLogger());
    const a = new CountingStream(clock);
    const b = new CountingStream(clock);
    pacer.add(a);
    pacer.add(b);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100);
    expect(a.paces).toEqual([1020, 1040, 1060, 1080, 1100]);
    expect(b.paces).toEqual(a.paces);
  });

  it('does not accumulate timer lateness (deadlines stay on the 20 ms grid)', () => {
    const clock = new ManualClock(0);
    const pacer = new Pacer(clock, silentLogger());
    const stream = new CountingStream(clock);
    pacer.add(stream);
    // Every timer fires 7 ms late (the loop was busy); the next deadline is still on the grid.
    clock.stall(27);
    clock.advance(0);
    for (let i = 2; i <= 50; i++) {
      clock.stall(20);
      clock.advance(0);
    }
    expect(stream.paces).toHaveLength(50);
    expect(stream.paces.at(-1)).toBe(50 * 20 + 7);
    expect(pacer.stats.ticks).toBe(50);
    expect(pacer.stats.maxLatenessMs).toBe(7);
  });

  it('catches up missed ticks back to back after a short stall, and re-bases after a long one', () => {
    const clock = new ManualClock(0);
    const pacer = new Pacer(clock, silentLogger(), { maxCatchUpTicks: 5 });
    const stream = new CountingStream(clock);
    pacer.add(stream);
    clock.advance(20);
    expect(stream.paces).toHaveLength(1);

    // A stall of 80 ms: the next timer fires at 100 and runs the 4 due ticks at once.
    clock.stall(80);
    clock.advance(0);
    expect(stream.paces.slice(1)).toEqual([100, 100, 100, 100]);
    expect(pacer.stats.skippedTicks).toBe(0);

    // A stall of 1 s: more than 5 ticks due, so the schedule restarts from now.
    clock.stall(1000);
    clock.advance(0);
    expect(pacer.stats.skippedTicks).toBeGreaterThan(40);
    const before = stream.paces.length;
    clock.advance(40);
    expect(stream.paces.length - before).toBe(2);
  });

  it('stops its timer when the last stream leaves and tolerates removal during a tick', () => {
    const clock = new ManualClock(0);
    const pacer = new Pacer(clock, silentLogger());
    const streams: CountingStream[] = [];
    const leaver = new CountingStream(clock, () => pacer.remove(leaver));
    streams.push(new CountingStream(clock), leaver, new CountingStream(clock));
    for (const stream of streams) pacer.add(stream);
    clock.advance(40);
    expect(leaver.paces).toHaveLength(1);
    expect(streams[0]!.paces).toHaveLength(2);
    expect(streams[2]!.paces).toHaveLength(2);
    pacer.remove(streams[0]!);
    pacer.remove(streams[2]!);
    expect(pacer.size).toBe(0);
    expect(pacer.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drops a stream that throws and keeps pacing the others', () => {
    const clock = new ManualClock(0);
    const pacer = new Pacer(clock, silentLogger());
    const broken = new CountingStream(clock, () => {
      throw new Error('boom');
    });
    const healthy = new CountingStream(clock);
    pacer.add(broken);
    pacer.add(healthy);
    clock.advance(60);
    expect(broken.paces).toHaveLength(1);
    expect(healthy.paces).toHaveLength(3);
    expect(broken.pacerSlot).toBe(-1);
  });
});

