import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runJitterBench } from './jitterBenchCommand.js';

function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('callwire bench --jitter', () => {
  it('runs a short bench, prints Markdown and writes the HTML and JSON reports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callwire-jitter-'));
    try {
      const { out } = captureOutput();
      const code = await runJitterBench(['--jitter', '--profile', 'wifi,lossy', '--calls', '2', '--duration', '3', '--synthetic', '--out', dir]);
      vi.restoreAllMocks();
      expect(code).toBe(0);
      const markdown = out.join('');
      expect(markdown).toContain('callwire bench --jitter --profile wifi,lossy --calls 2 --duration 3 --synthetic');
      expect(markdown).toContain('| **wifi** |');
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { profiles: { profile: string; calls: number }[]; callsPerProfile: number };
      expect(report.profiles.map((profile) => [profile.profile, profile.calls])).toEqual([
        ['wifi', 2],
        ['lossy', 2],
      ]);
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      expect(html.match(/<svg /g)).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints JSON with --json, from the shipped fixtures by default', async () => {
    const { out } = captureOutput();
    const code = await runJitterBench(['--profile', 'clean', '--calls', '5', '--duration', '1', '--json']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const report = JSON.parse(out.join('')) as {
      media: string[];
      profiles: { strategies: { strategy: string; concealmentPct: number; qualityMean: number }[]; callDetails: { strategies: Record<string, { quality: number }> }[] }[];
    };
    expect(report.media).toHaveLength(5);
    expect(report.profiles[0]!.strategies.every((strategy) => strategy.concealmentPct === 0)).toBe(true);
    // Nothing lost: every strategy's audio, in every codec, is the clean speech.
    expect(report.profiles[0]!.strategies.map((strategy) => strategy.qualityMean)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(report.profiles[0]!.callDetails.flatMap((call) => Object.values(call.strategies).map((strategy) => strategy.quality))).toEqual(new Array<number>(30).fill(5));
  });

  it('refuses unknown profiles and bad numbers with exit code 2', async () => {
    const { err } = captureOutput();
    expect(await runJitterBench(['--profile', 'moon'])).toBe(2);
    expect(await runJitterBench(['--calls', '0'])).toBe(2);
    expect(await runJitterBench(['--synthetic', '--fixtures', 'a'])).toBe(2);
    expect(await runJitterBench(['--bogus'])).toBe(2);
    vi.restoreAllMocks();
    expect(err.join('')).toContain('unknown profile moon');
  });
});
