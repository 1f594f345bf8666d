import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BUILD_STAMP } from '../../engine/buildFreshness.js';
import { engineCliArgs } from './engineUnderTest.js';

const BUILT_AT = new Date('2026-01-01T12:00:00Z');
const BEFORE = new Date('2026-01-01T11:00:00Z');
const AFTER = new Date('2026-01-01T13:00:00Z');

let root: string;

function file(path: string, modified: Date): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  utimesSync(full, modified, modified);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'callwire-engine-args-'));
  file('engine/cli.ts', BEFORE);
  file('dist/engine/cli.js', BUILT_AT);
  file(BUILD_STAMP, BUILT_AT);
});

describe('engineCliArgs', () => {
  it('runs the source through tsx unless asked for the build', () => {
    expect(engineCliArgs(root)).toEqual(['--import', 'tsx', join(root, 'engine/cli.ts')]);
  });

  it('runs the build when it holds the current sources, and the source once one is edited after it', () => {
    expect(engineCliArgs(root, 'build-if-fresh')).toEqual([join(root, 'dist/engine/cli.js')]);
    file('engine/cli.ts', AFTER);
    expect(engineCliArgs(root, 'build-if-fresh')).toEqual(['--import', 'tsx', join(root, 'engine/cli.ts')]);
  });

  it('puts node flags before the script, and runs a build shipped without its sources', () => {
    const shipped = mkdtempSync(join(tmpdir(), 'callwire-image-'));
    mkdirSync(join(shipped, 'dist/engine'), { recursive: true });
    writeFileSync(join(shipped, 'dist/engine/cli.js'), '');
    expect(engineCliArgs(shipped, 'source', ['--max-semi-space-size=4'])).toEqual(['--max-semi-space-size=4', join(shipped, 'dist/engine/cli.js')]);
    expect(engineCliArgs(root, 'build-if-fresh', ['--single-threaded-gc'])).toEqual(['--single-threaded-gc', join(root, 'dist/engine/cli.js')]);
  });

  it('refuses a folder that holds no engine', () => {
    expect(() => engineCliArgs(mkdtempSync(join(tmpdir(), 'callwire-empty-')))).toThrow(/neither engine\/cli.ts nor dist/);
  });
});
