import { describe, expect, it } from 'vitest';
import { countOpenFds, maximum, parseVmRssKb, readRssMb } from './procReadings.js';

describe('process readings', () => {
  it('reads VmRSS from a /proc status text', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmRSS:\t  153600 kB\nRssAnon:\t 100000 kB\n';
    expect(parseVmRssKb(status)).toBe(153_600);
    expect(parseVmRssKb('Name:\tnode\nState:\tZ (zombie)\n')).toBeUndefined();
  });

  it('reads this process from /proc, and nothing for a process that does not exist', () => {
    expect(readRssMb(process.pid)).toBeGreaterThan(1);
    expect(countOpenFds(process.pid)).toBeGreaterThan(2);
    expect(readRssMb(2 ** 22 + 1)).toBeUndefined();
    expect(countOpenFds(2 ** 22 + 1)).toBeUndefined();
  });

  it('takes the maximum', () => {
    expect(maximum([3, 9, 2])).toBe(9);
    expect(maximum([])).toBeUndefined();
  });
});
