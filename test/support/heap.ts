import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The V8 `gc()` function even when the process was started without `--expose-gc` (vitest workers
 * are): the flag is switched on at run time and a fresh context picks the function up.
 */
function obtainGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const gc = obtainGc();

/** Heap in use after two full collections, with a turn of the event loop between them for finalizers. */
export async function settledHeapUsed(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap plus array buffers (where socket and audio buffers live), settled as {@link settledHeapUsed}. */
export async function settledMemory(): Promise<{ heapUsed: number; arrayBuffers: number }> {
  const heapUsed = await settledHeapUsed();
  return { heapUsed, arrayBuffers: process.memoryUsage().arrayBuffers };
}
