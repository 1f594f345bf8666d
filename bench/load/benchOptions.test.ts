import { describe, expect, it } from 'vitest';
import { externalEndpoints, isLoopbackHost, parseBenchArgs, timestampFolder } from './benchOptions.js';

const cwd = '/work/main';
const now = new Date('2025-06-02T15:04:05.123Z');

describe('parseBenchArgs', () => {
  it('fills in the defaults: 50 PCMU calls, clean, a timestamped out dir', () => {
    const parsed = parseBenchArgs([], cwd, now);
    expect(parsed.kind).toBe('options');
    if (parsed.kind !== 'options') return;
    expect(parsed.options).toMatchObject({ calls: 50, rampSeconds: 5, durationSeconds: 30, profiles: ['clean'], seed: 1, url: null, findMax: false, baseline: true, json: false });
    expect(parsed.options.fixtures.map((path) => path.replace(/^.*\//, ''))).toEqual(['pcmu-8k-menu.capture.jsonl', 'pcmu-8k-bargein.capture.jsonl']);
    expect(parsed.options.outDir).toBe('/work/main/bench/results/2025-06-02T15-04-05Z');
  });

  it('uses the find-max defaults and reads every option', () => {
    const parsed = parseBenchArgs(['--find-max', '--profile', 'wifi,stalls', '--seed', '7', '--max-time', '300', '--no-baseline', '--json', '--url', 'ws://127.0.0.1:9000'], cwd, now);
    expect(parsed).toMatchObject({ kind: 'options', options: { calls: 100, durationSeconds: 10, profiles: ['wifi', 'stalls'], seed: 7, maxTimeSeconds: 300, maxCalls: 2000, baseline: false, json: true, url: 'ws://127.0.0.1:9000/' } });
  });

  it('takes a list of call counts, run one after the other, and the profiling switch', () => {
    const parsed = parseBenchArgs(['--calls', '250, 500,1000', '--cpu-profile'], cwd, now);
    expect(parsed).toMatchObject({ kind: 'options', options: { calls: 250, callCounts: [250, 500, 1000], cpuProfile: true } });
    expect(parseBenchArgs([], cwd, now)).toMatchObject({ options: { callCounts: [50], cpuProfile: false } });
    expect(parseBenchArgs(['--calls', '250,0'], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('--calls must be a positive integer') });
    expect(parseBenchArgs(['--find-max', '--calls', '100,200'], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('one --calls') });
    for (const other of [['--find-max'], ['--url', 'ws://127.0.0.1:9000'], ['--workers', '1,2']]) {
      expect(parseBenchArgs(['--cpu-profile', ...other], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('--cpu-profile profiles the one engine process') });
    }
  });

  it('passes node flags to the engine it starts, and only flags', () => {
    expect(parseBenchArgs(['--engine-node-options=--max-semi-space-size=4  --no-opt'], cwd, now)).toMatchObject({
      kind: 'options',
      options: { engineNodeOptions: ['--max-semi-space-size=4', '--no-opt'] },
    });
    expect(parseBenchArgs([], cwd, now)).toMatchObject({ options: { engineNodeOptions: [] } });
    for (const bad of ['max-semi-space-size=4', '--require=./x.js; rm -rf /', '-e']) {
      expect(parseBenchArgs([`--engine-node-options=${bad}`], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('--engine-node-options takes node flags') });
    }
    expect(parseBenchArgs(['--engine-node-options=--no-opt', '--url', 'ws://127.0.0.1:9000'], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot be combined with --url') });
  });

  it('refuses bad values, unknown profiles and fixtures, and any host but this machine', () => {
    expect(parseBenchArgs(['--calls', '0'], cwd).kind).toBe('error');
    expect(parseBenchArgs(['--profile', 'moon'], cwd).kind).toBe('error');
    expect(parseBenchArgs(['--fixtures', 'nope'], cwd).kind).toBe('error');
    expect(parseBenchArgs(['--url', 'ws://10.0.0.5:8080'], cwd)).toMatchObject({ kind: 'error', message: expect.stringContaining('this machine') });
    expect(parseBenchArgs(['--bogus'], cwd).kind).toBe('error');
    expect(parseBenchArgs(['--help'], cwd).kind).toBe('help');
  });
});

describe('helpers', () => {
  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });

  it('derives stream and stats URLs of a running engine', () => {
    expect(externalEndpoints('ws://127.0.0.1:9000/', 'echo.default')).toEqual({ streamUrl: 'ws://127.0.0.1:9000/ws/telnyx?serviceHost=echo.default', statsUrl: 'http://127.0.0.1:9000/stats' });
    expect(externalEndpoints('ws://localhost:9000/ws/telnyx?serviceHost=menu.default', 'echo.default').streamUrl).toBe('ws://localhost:9000/ws/telnyx?serviceHost=menu.default');
    expect(timestampFolder(now)).toBe('2025-06-02T15-04-05Z');
  });
});

describe('--workers', () => {
  it('lists the engine worker counts to run, one by default', () => {
    const parsed = (argv: string[]) => parseBenchArgs(argv, process.cwd(), new Date(0));
    expect(parsed([])).toMatchObject({ kind: 'options', options: { workers: [1] } });
    expect(parsed(['--workers', '1,2'])).toMatchObject({ kind: 'options', options: { workers: [1, 2] } });
    expect(parsed(['--workers', '0'])).toMatchObject({ kind: 'error' });
    expect(parsed(['--workers', '2', '--url', 'ws://127.0.0.1:9/'])).toMatchObject({ kind: 'error' });
  });
});
