import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/clock.js';
import type { PlannedClose, PlannedSend } from './replayPlan.js';
import { ReplayScheduler } from './replayScheduler.js';

const send = (atMs: number, text: string): PlannedSend => ({ atMs, data: Buffer.from(text), binary: false, event: text, sequenceNumber: Number.NaN });
const sends = [send(0.8, 'connected'), send(1.3, 'start'), send(20, 'media-1'), send(40, 'media-2'), send(40, 'dtmf'), send(60, 'media-3')];
const close: PlannedClose = { atMs: 82, code: 1000, reason: '' };

function recordingTarget(clock: ManualClock, open = () => true) {
  const log: string[] = [];
  return {
    log,
    target: {
      send: (item: PlannedSend) => {
        if (!open()) return false;
        log.push(`${clock.now()} ${item.data.toString()}`);
        return true;
      },
      close: (planned: PlannedClose) => void log.push(`${clock.now()} close ${planned.code}`),
    },
  };
}

describe('ReplayScheduler', () => {
  it('sends each message at its offset, ties in capture order, then closes as the capture did', async () => {
    const clock = new ManualClock(1000);
    const { log, target } = recordingTarget(clock);
    const scheduler = new ReplayScheduler(clock, sends, close, target);
    scheduler.start();
    clock.advance(100);
    expect(log).toEqual(['1000.8 connected', '1001.3 start', '1020 media-1', '1040 media-2', '1040 dtmf', '1060 media-3', '1082 close 1000']);
    expect(Array.from(scheduler.sentAtMs, (at) => Math.round(at * 1000) / 1000)).toEqual([0.8, 1.3, 20, 40, 40, 60]);
    expect(await scheduler.finished).toBe('completed');
    expect(clock.pendingTimers).toBe(0);
  });

  it('divides every offset by the speed', () => {
    const clock = new ManualClock();
    const { log, target } = recordingTarget(clock);
    const scheduler = new ReplayScheduler(clock, sends, close, target, 2);
    scheduler.start();
    clock.advance(100);
    expect(log.map((line) => Number(line.split(' ')[0]))).toEqual([0.4, 0.65, 10, 20, 20, 30, 41]);
    expect(scheduler.dueMs(sends.length)).toBe(41);
  });

  it('keeps the schedule after a stall: overdue messages go out back to back, later ones on time', () => {
    const clock = new ManualClock();
    const { log, target } = recordingTarget(clock);
    const scheduler = new ReplayScheduler(clock, sends, undefined, target);
    scheduler.start();
    clock.advance(10);
    clock.stall(35); // the event loop was blocked from 10 to 45 ms
    clock.advance(30);
    expect(log).toEqual(['0.8 connected', '1.3 start', '45 media-1', '45 media-2', '45 dtmf', '60 media-3']);
    const lateness = Array.from(scheduler.sentAtMs, (at, i) => at - scheduler.dueMs(i));
    expect(lateness).toEqual([0, 0, 25, 5, 5, 0]);
  });

  it('stops when the socket is gone, leaving the rest unsent', async () => {
    const clock = new ManualClock();
    let open = true;
    const { log, target } = recordingTarget(clock, () => open);
    const scheduler = new ReplayScheduler(clock, sends, close, target);
    scheduler.start();
    clock.advance(30);
    open = false;
    clock.advance(100);
    expect(log).toEqual(['0.8 connected', '1.3 start', '20 media-1']);
    expect(await scheduler.finished).toBe('stopped');
    expect(scheduler.sent).toBe(4); // media-2 was attempted and refused
    expect(Number.isNaN(scheduler.sentAtMs[5]!)).toBe(true);
  });

  it('stop() cancels the pending timer', async () => {
    const clock = new ManualClock();
    const { log, target } = recordingTarget(clock);
    const scheduler = new ReplayScheduler(clock, sends, close, target);
    scheduler.start();
    clock.advance(25);
    scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(log).toHaveLength(3);
    expect(await scheduler.finished).toBe('stopped');
  });

  it('an empty capture with a close closes at its time', async () => {
    const clock = new ManualClock();
    const { log, target } = recordingTarget(clock);
    const scheduler = new ReplayScheduler(clock, [], { atMs: 5, code: 1001, reason: 'bye' }, target);
    scheduler.start();
    clock.advance(4);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(['5 close 1001']);
    expect(await scheduler.finished).toBe('completed');
  });

  it('rejects a speed that is not positive', () => {
    expect(() => new ReplayScheduler(new ManualClock(), [], undefined, { send: () => true, close: () => undefined }, 0)).toThrow(RangeError);
  });
});
