import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { LogBudget, SUPPRESSED } from './logBudget.js';
import { SharedLogBudget } from './sharedLogBudget.js';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('SharedLogBudget', () => {
  it('caps a kind of line across many calls, each of which is within its own budget', () => {
    const clock = new ManualClock(0);
    const { lines, stream } = capture();
    const shared = new SharedLogBudget(createLogger('info', stream), clock, { linesPerSecond: 0.2, burst: 5 });
    let written = 0;
    for (let call = 0; call < 1000; call++) {
      const own = new LogBudget(clock, { linesPerSecond: 0.1, burst: 1 });
      if (shared.take('CW_INVALID_FRAME', own) !== SUPPRESSED) written++;
    }
    expect(written).toBe(5);
    clock.advance(10_000);
    const summary = lines.find((line) => line['msg'] === 'log lines held back (too many of a kind)');
    expect(summary?.['suppressed']).toEqual({ CW_INVALID_FRAME: 995 });
    shared.close();
  });

  it("lets a call's own budget decide first, without spending the shared one", () => {
    const clock = new ManualClock(0);
    const shared = new SharedLogBudget(createLogger('silent'), clock, { linesPerSecond: 0, burst: 2 });
    const own = new LogBudget(clock, { linesPerSecond: 0, burst: 1 });
    expect(shared.take('x', own)).toBe(0);
    expect(shared.take('x', own)).toBe(SUPPRESSED);
    expect(shared.take('x')).toBe(0);
    expect(shared.take('x')).toBe(SUPPRESSED);
    shared.close();
  });

  it('sums up what is still held back when closed, and writes nothing more after', () => {
    const clock = new ManualClock(0);
    const { lines, stream } = capture();
    const shared = new SharedLogBudget(createLogger('info', stream), clock, { linesPerSecond: 0, burst: 1 });
    shared.take('refused:rate_limited');
    shared.take('refused:rate_limited');
    shared.close();
    expect(lines.map((line) => line['suppressed'])).toEqual([{ 'refused:rate_limited': 1 }]);
    expect(clock.pendingTimers).toBe(0);
  });
});
