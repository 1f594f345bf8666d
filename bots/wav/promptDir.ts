import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PromptsMissingError } from './errors.js';

/**
 * Finds the `bots/prompts/` folder for a module of `bots/wav/`.
 *
 * @remarks Tries `../prompts/` relative to `moduleUrl` first, which is right when running the
 * TypeScript sources (tsx, vitest). `tsc` does not copy `.wav` files, so from the build output
 * (`dist/bots/wav/`) that folder does not exist; the fallback then walks up to the nearest folder
 * holding a `package.json` (the package root, wherever it was installed) and uses its
 * `bots/prompts/`. It stops at that first `package.json` so it never picks up another package's files.
 *
 * @example
 * ```ts
 * const dir = resolvePromptDir(import.meta.url);
 * ```
 *
 * @throws {@link PromptsMissingError} if neither folder exists.
 */
export function resolvePromptDir(moduleUrl: string | URL): URL {
  const beside = new URL('../prompts/', moduleUrl);
  if (existsSync(beside)) return beside;

  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const inSource = join(dir, 'bots', 'prompts');
      if (existsSync(inSource)) return pathToFileURL(inSource + '/');
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new PromptsMissingError(
    `no prompt folder: ${fileURLToPath(beside)} does not exist and no package root with bots/prompts/ was found above it`,
  );
}
