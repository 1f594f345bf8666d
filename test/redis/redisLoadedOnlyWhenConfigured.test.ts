import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Relative modules `file` imports at load time: static `import`/`export … from`, not `import type` nor `await import()`. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) found.push(match[1]!);
  return found;
}

/** Every module file loaded with `entry`, and every package named on the way. */
function loadGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      pending.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
    }
  }
  return { files, packages };
}

describe('an engine without redis.url', () => {
  it('loads no Redis code: the CLI and the server reach the Redis client only through a dynamic import', () => {
    const { files, packages } = loadGraph(resolve(ROOT, 'engine/cli.ts'));
    // The walk is real: it reaches the server, the config and the commands.
    for (const module of ['engine/server.ts', 'engine/config.ts', 'engine/commands/nodesCommand.ts']) expect(files).toContain(resolve(ROOT, module));
    expect(packages).toContain('ws');
    expect(packages).not.toContain('ioredis');
    const redisModules = [...files].filter((file) => file.includes('/engine/redis/')).map((file) => file.slice(ROOT.length));
    // Settings and password masking (for config errors) only: nothing that connects.
    expect(redisModules.sort()).toEqual(['engine/redis/redisSettings.ts', 'engine/redis/redisUrl.ts']);
  });
});
