import { describe, expect, it } from 'vitest';
import { parseAbuseOptions } from './abuseCommand.js';
import { OWN_ROOT } from './childModule.js';
import { SCENARIOS } from './scenarios.js';

describe('callwire bench --abuse options', () => {
  it('runs every attack for 2 minutes against this checkout by default', () => {
    const options = parseAbuseOptions(['--abuse'], new Date('2026-12-04T21:00:00.000Z'));
    expect(options.scenarios.map((scenario) => scenario.name)).toEqual(SCENARIOS.map((scenario) => scenario.name));
    expect(options.durationMs).toBe(120_000);
    expect(options.recoveryMs).toBe(30_000);
    expect(options.sources).toBe(64);
    expect(options.engineRoot).toBe(OWN_ROOT.replace(/\/$/, ''));
    expect(options.outDir).toMatch(/bench\/results\/abuse-2026-12-04T21-00-00-000Z$/);
  });

  it('takes a list of attacks, a duration and an output folder', () => {
    const options = parseAbuseOptions(['--abuse', '--attack', 'silent-sockets,error-flood', '--duration', '90s', '--out', '/tmp/abuse-out', '--sources', '8']);
    expect(options.scenarios.map((scenario) => scenario.name)).toEqual(['error-flood', 'silent-sockets']);
    expect(options.durationMs).toBe(90_000);
    expect(options.outDir).toBe('/tmp/abuse-out');
    expect(options.sources).toBe(8);
  });

  it('attacks the source when asked, with node flags before the script', () => {
    const options = parseAbuseOptions(['--from-source', '--engine-node-options=--max-semi-space-size=4 --single-threaded-gc']);
    expect(options.engineArgs).toEqual(['--max-semi-space-size=4', '--single-threaded-gc', '--import', 'tsx', expect.stringMatching(/engine\/cli\.ts$/)]);
    expect(() => parseAbuseOptions(['--engine-node-options=max-semi-space-size=4'])).toThrow(/node flags/);
  });

  it('refuses unknown attacks, bad source counts and a folder without an engine', () => {
    expect(() => parseAbuseOptions(['--attack', 'ping-of-death'])).toThrow(/unknown attack ping-of-death/);
    expect(() => parseAbuseOptions(['--sources', '0'])).toThrow(/--sources/);
    expect(() => parseAbuseOptions(['--engine-root', '/tmp'])).toThrow(/neither engine\/cli.ts nor dist/);
  });
});
