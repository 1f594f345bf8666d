import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { createLogger } from './logger.js';
import { ThrottledWarnings } from './throttledWarnings.js';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const clock = new ManualClock(0);
  return { lines, clock, warnings: new ThrottledWarnings(createLogger('info', stream), clock, 10_000) };
}

describe('ThrottledWarnings', () => {
  it('logs the first warning at once, then at most one line per 10 s carrying how many were left out', () => {
    const { lines, clock, warnings } = setup();
    warnings.warn('webhook:X', { n: 1 }, 'refused');
    for (let n = 2; n <= 5; n++) {
      clock.advance(1_000);
      warnings.warn('webhook:X', { n }, 'refused');
    }
    expect(lines.map((line) => [line['n'], line['repeatsSinceLastLine']])).toEqual([[1, 0]]);
    clock.advance(6_000);
    warnings.warn('webhook:X', { n: 6 }, 'refused');
    expect(lines.map((line) => [line['n'], line['repeatsSinceLastLine']])).toEqual([
      [1, 0],
      [6, 4],
    ]);
    expect(lines[1]).toMatchObject({ level: 40, msg: 'refused' });
  });

  it('throttles each key on its own', () => {
    const { lines, warnings } = setup();
    warnings.warn('texml:A', {}, 'a');
    warnings.warn('texml:B', {}, 'b');
    warnings.warn('texml:A', {}, 'a');
    expect(lines.map((line) => line['msg'])).toEqual(['a', 'b']);
  });
});
