import { describe, expect, it } from 'vitest';
import { BandAnalyzer } from './bandLevels.js';

function tone(sampleRate: number, hz: number, amplitude: number, length = 1000): Int16Array {
  return Int16Array.from({ length }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate)));
}

describe('BandAnalyzer', () => {
  it('puts a tone in the band around its frequency, far above the others', () => {
    for (const sampleRate of [8000, 16000]) {
      const analyzer = new BandAnalyzer(sampleRate);
      const levels = new Float32Array(analyzer.bandCount);
      analyzer.analyze(tone(sampleRate, 1000, 10000), 0, levels, 0);
      const loudest = levels.indexOf(Math.max(...levels));
      const quietest = Math.min(...levels);
      expect(levels[loudest]! - quietest).toBeGreaterThan(60);
      // The mel bands are spaced evenly from 80 Hz: 1 kHz falls in the lower half of them.
      expect(loudest).toBeGreaterThan(analyzer.bandCount / 5);
      expect(loudest).toBeLessThan(analyzer.bandCount / 2);
    }
  });

  it('is linear in power: twice the amplitude is 6 dB in every band that carries the tone', () => {
    const analyzer = new BandAnalyzer(8000);
    const soft = new Float32Array(analyzer.bandCount);
    const loud = new Float32Array(analyzer.bandCount);
    analyzer.analyze(tone(8000, 700, 4000), 40, soft, 0);
    analyzer.analyze(tone(8000, 700, 8000), 40, loud, 0);
    const peak = soft.indexOf(Math.max(...soft));
    expect(loud[peak]! - soft[peak]!).toBeCloseTo(6.02, 1);
  });

  it('gives silence, and samples past the end, the bottom level in every band', () => {
    const analyzer = new BandAnalyzer(8000);
    const silent = new Float32Array(analyzer.bandCount);
    analyzer.analyze(new Int16Array(400), 0, silent, 0);
    expect(new Set(silent).size).toBe(1);
    const pastEnd = new Float32Array(analyzer.bandCount);
    analyzer.analyze(tone(8000, 500, 8000), 100, pastEnd, 0, 100);
    expect(Array.from(pastEnd)).toEqual(Array.from(silent));
  });
});
