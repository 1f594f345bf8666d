import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file `npm run build` writes into `dist/` once the compiler has succeeded. */
export const BUILD_STAMP = join('dist', '.build-stamp');

/** Folders the build compiles (tsconfig.build.json's `include`, and web/tsconfig.json's page scripts). */
const SOURCE_DIRS = ['engine', 'actors', 'codecs', 'bots', 'bench', 'web'];
/** Files outside those folders that change what the build emits. */
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'web/tsconfig.json'];

/** Whether a checkout's build is older than its sources. */
export type BuildFreshness = { readonly fresh: true } | { readonly fresh: false; readonly reason: string };

/**
 * Compares the build stamp's mtime with the newest compiled source's in checkout `root`: one
 * `stat` per source file (a few milliseconds), no hashing and no compiler. An edit, a `git pull` or
 * a branch switch touches the files it changes, so a source newer than the stamp means the build
 * does not hold it; a build that failed leaves the old stamp, so it reads as stale too.
 */
export function buildFreshness(root: string): BuildFreshness {
  const stamp = join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return { fresh: false, reason: `${BUILD_STAMP} is missing (no successful \`npm run build\` yet)` };
  const builtAt = statSync(stamp).mtimeMs;
  for (const file of BUILD_FILES) {
    const path = join(root, file);
    if (existsSync(path) && statSync(path).mtimeMs > builtAt) return { fresh: false, reason: `${file} changed since the last build` };
  }
  for (const dir of SOURCE_DIRS) {
    const newer = firstSourceNewerThan(join(root, dir), builtAt);
    if (newer !== undefined) return { fresh: false, reason: `${relative(root, newer)} changed since the last build` };
  }
  return { fresh: true };
}

/**
 * The checkout a compiled module runs from: a module under `<root>/dist/` gives `<root>` when
 * `<root>/engine/cli.ts` exists beside the build. Undefined when running from source (tsx) or from
 * an installed package or container image, which ship the build without its sources.
 */
export function checkoutOfBuild(moduleUrl: string): string | undefined {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (basename(dir) !== 'dist') {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const root = dirname(dir);
  return existsSync(join(root, 'engine', 'cli.ts')) ? root : undefined;
}

/** The one line `callwire serve` prints when it runs a build older than its checkout's sources; undefined when fresh. */
export function staleBuildWarning(root: string): string | undefined {
  const freshness = buildFreshness(root);
  if (freshness.fresh) return undefined;
  return `callwire: running an old build: ${freshness.reason}; run \`npm run build\` to run the current sources\n`;
}

function firstSourceNewerThan(dir: string, builtAt: number): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'results') continue;
      const newer = firstSourceNewerThan(path, builtAt);
      if (newer !== undefined) return newer;
    } else if (isCompiledSource(entry.name) && statSync(path).mtimeMs > builtAt) {
      return path;
    }
  }
  return undefined;
}

/** TypeScript the build compiles: not tests, not benchmarks' `.bench.ts`, not declarations. */
function isCompiledSource(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.bench.ts') && !name.endsWith('.d.ts');
}
