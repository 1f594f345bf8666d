import { execFile } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildFreshness } from '../../engine/buildFreshness.js';

/** The project's root folder. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Makes sure `dist/` matches the sources, building once if not. Test files run in parallel, so a
 * lock folder keeps two of them from compiling into `dist/` at the same time.
 */
export async function ensureFreshBuild(): Promise<void> {
  const lock = join(PROJECT_ROOT, 'dist', '.build-lock');
  await mkdir(join(PROJECT_ROOT, 'dist'), { recursive: true });
  for (;;) {
    if (buildFreshness(PROJECT_ROOT).fresh) return;
    try {
      await mkdir(lock);
    } catch {
      // Another test file is building: wait for it, then look again.
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      if (!buildFreshness(PROJECT_ROOT).fresh) await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT });
      return;
    } finally {
      await rmdir(lock);
    }
  }
}
