import { defineConfig } from 'vitest/config';

const timeouts = { testTimeout: 20_000, hookTimeout: 20_000 };

/**
 * Two projects, one file at a time on any machine (the end-to-end tests judge pacing and audio
 * under attack; another file's engine on the same cores would be their noise, not the engine's):
 * - `units`: codecs, processors, machines, bots, the engine's parts and the bench's own tests share
 *   one worker process, which spares re-importing the engine for every file (a fifth of the run).
 * - `system`: the end-to-end tests in test/, each file in a fresh process with a fresh heap, so no
 *   garbage left by an earlier file is collected in the middle of a timing-sensitive one.
 */
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'units',
          include: ['engine/**/*.test.ts', 'actors/**/*.test.ts', 'codecs/**/*.test.ts', 'bots/**/*.test.ts', 'bench/**/*.test.ts'],
          // It snapshots its own process's heap: a shared worker's would be the whole run's.
          exclude: ['bench/memory/heapSnapshot.test.ts'],
          isolate: false,
          fileParallelism: false,
          sequence: { groupOrder: 0 },
          ...timeouts,
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/**/*.test.ts', 'bench/memory/heapSnapshot.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          ...timeouts,
        },
      },
    ],
  },
});
