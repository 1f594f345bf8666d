import { describe, expect, it } from 'vitest';
import { areaOf, isCpuProfile, summarizeCpuProfile, type CpuProfile } from './cpuProfile.js';

const ENGINE = 'file:///srv/callwire/dist/engine/outboundStream.js';
const WS = 'file:///srv/callwire/node_modules/ws/lib/sender.js';
const OPUS = 'file:///srv/callwire/node_modules/@discordjs/opus/lib/index.js';

/** A profile of five frames; `samples` names which frame each 1 ms sample hit. */
function profile(samples: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
      { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      { id: 4, callFrame: { functionName: 'send', url: ENGINE, lineNumber: 9 } },
      { id: 5, callFrame: { functionName: 'frame', url: WS, lineNumber: 99 } },
    ],
    startTime: 1_000_000,
    endTime: 1_000_000 + samples.length * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe('summarizeCpuProfile', () => {
  it('ranks self time per function and area, and gives GC its share of busy time', () => {
    // 4 idle, 1 GC, 3 send, 2 frame (plus a last sample, which has no following interval).
    const summary = summarizeCpuProfile(profile([2, 2, 4, 4, 4, 5, 5, 3, 2, 2, 4]));
    expect(summary.sampledMs).toBe(10);
    expect(summary.busyMs).toBe(6);
    expect(summary.gcShare).toBeCloseTo(1 / 6);
    expect(summary.topFunctions).toEqual([
      { name: 'send dist/engine/outboundStream.js:10', selfMs: 3, share: 0.5 },
      { name: 'frame node_modules/ws/lib/sender.js:100', selfMs: 2, share: 2 / 6 },
      { name: '(garbage collector)', selfMs: 1, share: 1 / 6 },
    ]);
    expect(summary.topAreas.map((area) => area.name)).toEqual(['engine/', 'ws', '(garbage collector)']);
  });

  it('counts only the samples inside the window', () => {
    // Sample i is at 1,000,000 + (i + 1) × 1000 µs: the window keeps samples 5 to 7 (frame, frame, GC).
    const summary = summarizeCpuProfile(profile([2, 2, 4, 4, 4, 5, 5, 3, 2, 2, 4]), { startUs: 1_006_000, endUs: 1_009_000 });
    expect(summary.busyMs).toBe(3);
    expect(summary.topFunctions.map((entry) => entry.name)).toEqual(['frame node_modules/ws/lib/sender.js:100', '(garbage collector)']);
  });

  it('reads an all-idle window as no busy time, without dividing by zero', () => {
    const summary = summarizeCpuProfile(profile([2, 2, 2]));
    expect(summary).toMatchObject({ busyMs: 0, gcShare: 0, programShare: 0, topFunctions: [] });
  });
});

describe('profile helpers', () => {
  it('names areas: callwire folders, packages with their scope, Node itself', () => {
    expect(areaOf(ENGINE)).toBe('engine/');
    expect(areaOf('file:///srv/callwire/codecs/g711.ts')).toBe('codecs/');
    expect(areaOf(WS)).toBe('ws');
    expect(areaOf(OPUS)).toBe('@discordjs/opus');
    expect(areaOf('node:internal/stream_base_commons')).toBe('node internals');
    expect(areaOf('')).toBe('(native)');
  });

  it('recognises a .cpuprofile and nothing else', () => {
    expect(isCpuProfile(profile([2]))).toBe(true);
    expect(isCpuProfile({ nodes: [] })).toBe(false);
    expect(isCpuProfile(null)).toBe(false);
  });
});
