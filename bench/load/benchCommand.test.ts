import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../report/reportModel.js';
import { runBenchCommand } from './benchCommand.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('callwire bench (short run, real engine on 127.0.0.1)', () => {
  it('loads the engine and the bare echo with 3 calls for 3 s, traces the echo and writes the reports', async () => {
    const out = await mkdtemp(join(tmpdir(), 'callwire-bench-'));
    folders.push(out);
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
    const code = await runBenchCommand(['--calls', '3', '--ramp', '0.5', '--duration', '3', '--json', '--out', out], io);
    expect(code, stderr).toBe(0);

    const report = JSON.parse(stdout) as BenchReport;
    const run = report.runs[0];
    expect(run).toBeDefined();
    const callwire = run!.callwire.metrics;
    expect(callwire.endings).toMatchObject({ abnormal: 0, connectFailures: 0, closedEarly: 0, stopTimeouts: 0 });
    expect(callwire.endings.byReason).toEqual({ stream_stopped: 3 });
    // About 50 frames and 17 outbound messages per call-second on a quiet machine; the floors only
    // say that echoed frames were traced back to what was sent and messages were timed, whatever the load.
    expect(callwire.echo?.frames ?? 0).toBeGreaterThan(0);
    expect(callwire.pacing?.messages ?? 0).toBeGreaterThan(0);
    expect(callwire.framesLost?.eligible ?? 0).toBeGreaterThan(100);
    expect(callwire.framesLost?.percent ?? 100).toBeLessThan(50);
    expect(callwire.jitter?.ticks ?? 0).toBeGreaterThan(100);
    expect(callwire.cpuMsPerCallSecond).toBeGreaterThan(0);

    const baseline = run!.baseline;
    expect(baseline?.target).toBe('baseline');
    expect(baseline?.endings.abnormal).toBe(0);
    expect(baseline?.cpuMsPerCallSecond ?? 0).toBeGreaterThan(0);
    expect(run!.ratios?.cpuPerCallSecond).toBeGreaterThan(0);

    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchReport;
    expect(saved.runs).toHaveLength(1);
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain('## Server cost');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<svg');
  }, 90_000);

  it('prints the usage on --help and refuses a remote --url', async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
    expect(await runBenchCommand(['--help'], io)).toBe(0);
    expect(stdout).toContain('callwire bench [--calls N[,N…]]');
    expect(await runBenchCommand(['--url', 'ws://192.168.1.10:8080'], io)).toBe(2);
    expect(stderr).toContain('must point at this machine');
  });
});
