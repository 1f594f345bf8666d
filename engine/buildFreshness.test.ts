import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { AFTER, BEFORE, BUILT_AT, DatedCheckout } from '../test/support/datedCheckout.js';
import { BUILD_STAMP, buildFreshness, checkoutOfBuild, staleBuildWarning } from './buildFreshness.js';

let root: string;
let file: (path: string, modified: Date) => void;

beforeEach(() => {
  const checkout = new DatedCheckout();
  root = checkout.root;
  file = (path, modified) => checkout.file(path, modified);
  file('engine/cli.ts', BEFORE);
  file('codecs/deep/nested/codec.ts', BEFORE);
  file('tsconfig.json', BEFORE);
});

describe('buildFreshness', () => {
  it('is stale without a stamp: nothing was built successfully', () => {
    expect(buildFreshness(root)).toEqual({ fresh: false, reason: `${BUILD_STAMP} is missing (no successful \`npm run build\` yet)` });
  });

  it('is fresh when every compiled source is older than the stamp', () => {
    file(BUILD_STAMP, BUILT_AT);
    expect(buildFreshness(root)).toEqual({ fresh: true });
    expect(staleBuildWarning(root)).toBeUndefined();
  });

  it('names a source edited after the build, however deep', () => {
    file(BUILD_STAMP, BUILT_AT);
    file('codecs/deep/nested/codec.ts', AFTER);
    expect(buildFreshness(root)).toEqual({ fresh: false, reason: 'codecs/deep/nested/codec.ts changed since the last build' });
    expect(staleBuildWarning(root)).toBe('callwire: running an old build: codecs/deep/nested/codec.ts changed since the last build; run `npm run build` to run the current sources\n');
  });

  it('counts the compiler settings, and ignores tests and files the build does not compile', () => {
    file(BUILD_STAMP, BUILT_AT);
    file('engine/cli.test.ts', AFTER);
    file('test/integration/x.ts', AFTER);
    file('bench/results/run.ts', AFTER);
    file('README.md', AFTER);
    expect(buildFreshness(root)).toEqual({ fresh: true });
    file('tsconfig.json', AFTER);
    expect(buildFreshness(root)).toEqual({ fresh: false, reason: 'tsconfig.json changed since the last build' });
  });
});

describe('checkoutOfBuild', () => {
  it('finds the checkout of a compiled module that has its sources beside the build', () => {
    expect(checkoutOfBuild(pathToFileURL(join(root, 'dist/engine/commands/serveCommand.js')).href)).toBe(root);
  });

  it('is undefined for a module run from source, or a build shipped without sources', () => {
    expect(checkoutOfBuild(pathToFileURL(join(root, 'engine/commands/serveCommand.ts')).href)).toBeUndefined();
    const image = mkdtempSync(join(tmpdir(), 'callwire-image-'));
    expect(checkoutOfBuild(pathToFileURL(join(image, 'dist/engine/commands/serveCommand.js')).href)).toBeUndefined();
  });
});
