import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BUILD_STAMP } from '../../engine/buildFreshness.js';
import { AFTER, BEFORE, BUILT_AT, DatedCheckout } from '../../test/support/datedCheckout.js';
import { engineCliArgs } from './engineUnderTest.js';

let checkout: DatedCheckout;
let root: string;

beforeEach(() => {
  checkout = new DatedCheckout();
  root = checkout.root;
  checkout.file('engine/cli.ts', BEFORE);
  checkout.file('dist/engine/cli.js', BUILT_AT);
  checkout.file(BUILD_STAMP, BUILT_AT);
});

describe('engineCliArgs', () => {
  it('runs the source through tsx unless asked for the build', () => {
    expect(engineCliArgs(root)).toEqual(['--import', 'tsx', join(root, 'engine/cli.ts')]);
  });

  it('runs the build when it holds the current sources, and the source once one is edited after it', () => {
    expect(engineCliArgs(root, 'build-if-fresh')).toEqual([join(root, 'dist/engine/cli.js')]);
    checkout.file('engine/cli.ts', AFTER);
    expect(engineCliArgs(root, 'build-if-fresh')).toEqual(['--import', 'tsx', join(root, 'engine/cli.ts')]);
  });

  it('puts node flags before the script, and runs a build shipped without its sources', () => {
    const shipped = new DatedCheckout();
    shipped.file('dist/engine/cli.js', BUILT_AT);
    expect(engineCliArgs(shipped.root, 'source', ['--max-semi-space-size=4'])).toEqual(['--max-semi-space-size=4', join(shipped.root, 'dist/engine/cli.js')]);
    expect(engineCliArgs(root, 'build-if-fresh', ['--single-threaded-gc'])).toEqual(['--single-threaded-gc', join(root, 'dist/engine/cli.js')]);
  });

  it('refuses a folder that holds no engine', () => {
    expect(() => engineCliArgs(new DatedCheckout().root)).toThrow(/neither engine\/cli.ts nor dist/);
  });
});
