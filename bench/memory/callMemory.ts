/**
 * What one PCMU echo call holds in the engine: the engine runs in this process, a child process plays
 * Telnyx for 0, then a quarter of, then all `--calls` calls (each streaming one 20 ms frame every
 * 20 ms), and after each step settles, garbage is collected and memory is read. Per-call figures are
 * differences against the 0-call reading of the same run. Two heap snapshots, at all calls and at
 * half as many again, break the per-call heap down by constructor and typed-array holder.
 * Run: `npm run bench:memory -- --calls 200` (add `--build` to measure the engine built in `dist/`).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { startEngineUnderTest } from './engineUnderTest.js';
import { perUnitGrowth, summarizeSnapshot, WASM_MEMORY, type HolderTotal } from './heapSnapshot.js';
import type { CallerReply, CallerRequest } from './callerMain.js';

interface Reading {
  readonly calls: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  /** The shared Speex resampler's wasm memory: outside the JS heap and not counted in `arrayBuffers`. */
  readonly wasm: number;
}

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    'settle-ms': { type: 'string', default: '5000' },
    top: { type: 'string', default: '30' },
    build: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const settleMs = Number(values['settle-ms']);
const top = Number(values.top);
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined || !(calls > 0)) {
  process.stderr.write('usage: node --expose-gc --import tsx bench/memory/callMemory.ts [--calls 200] [--settle-ms 5000] [--top 30] [--build]\n');
  process.exit(2);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full collections until the heap stops shrinking, with turns between for finalizers to free buffers. */
async function settledReading(count: number): Promise<Reading> {
  let previous = Infinity;
  for (let round = 0; round < 10; round++) {
    collect!();
    await sleep(50);
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 16 * 1024) break;
    previous = used;
  }
  const usage = process.memoryUsage();
  return { calls: count, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rss: usage.rss, wasm: engine.wasmBytes() };
}

const engine = await startEngineUnderTest(values.build);
const caller = fork(fileURLToPath(new URL('./callerMain.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const replies: ((reply: CallerReply) => void)[] = [];
caller.on('message', (reply: CallerReply) => replies.shift()?.(reply));
const openCalls = (count: number): Promise<CallerReply> =>
  new Promise((resolve) => {
    replies.push(resolve);
    caller.send({ url: engine.url, open: count } satisfies CallerRequest);
  });

const snapshots = mkdtempSync(join(tmpdir(), 'callwire-memory-'));
const quarter = Math.max(1, Math.round(calls / 4));
const readings: Reading[] = [await settledReading(0)];
process.stderr.write('measured at 0 calls\n');
for (const count of [quarter, calls]) {
  const { open } = await openCalls(count - readings.at(-1)!.calls);
  await sleep(settleMs);
  readings.push(await settledReading(open));
  process.stderr.write(`measured at ${open} calls\n`);
}
// Snapshots only after the readings: writing one raises RSS for good. A snapshot counts live objects
// only, so the second one, half as many calls again later, gives what each added call holds.
// Writing one also stalls the event loop for seconds, and the calls' jitter buffers keep the room the
// burst after it needed: a first, discarded snapshot lets the calls already open do that before the
// one compared, so the comparison holds only what the added calls hold.
writeHeapSnapshot(join(snapshots, 'stall.heapsnapshot'));
await sleep(settleMs);
await settledReading(readings.at(-1)!.calls);
const snapshotPaths = [writeHeapSnapshot(join(snapshots, 'first.heapsnapshot'))];
const more = Math.max(1, Math.round(calls / 2));
const { open: snapshotCalls } = await openCalls(more);
await sleep(settleMs);
await settledReading(snapshotCalls);
snapshotPaths.push(writeHeapSnapshot(join(snapshots, 'second.heapsnapshot')));
caller.send({ exit: true } satisfies CallerRequest);
await engine.close();

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const [base, middle, last] = [readings[0]!, readings[1]!, readings[2]!];
const lines = [
  `Memory per PCMU echo call, ${calls} calls (engine ${values.build ? 'from dist/' : 'from source through tsx'} in this process; callers in a child; ${settleMs} ms settle; Node ${process.version})`,
  '',
  '| calls | heapUsed (KB) | external (KB) | arrayBuffers (KB) | RSS (KB) | Speex wasm memory (KB) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...readings.map((r) => `| ${r.calls} | ${kb(r.heapUsed)} | ${kb(r.external)} | ${kb(r.arrayBuffers)} | ${kb(r.rss)} | ${kb(r.wasm)} |`),
  '',
  `| per call | heapUsed (KB) | external (KB) | arrayBuffers (KB) | RSS (KB) | Speex wasm memory (KB) |`,
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...[[base, middle], [base, last], [middle, last]].map(([from, to]) => {
    const n = to!.calls - from!.calls;
    const per = (field: keyof Reading): string => kb((to![field] - from![field]) / n);
    return `| ${from!.calls} → ${to!.calls} calls | ${per('heapUsed')} | ${per('external')} | ${per('arrayBuffers')} | ${per('rss')} | ${per('wasm')} |`;
  }),
  '',
];

const growth = [...perUnitGrowth(summarizeSnapshot(snapshotPaths[0]!), summarizeSnapshot(snapshotPaths[1]!), snapshotCalls - last.calls)].sort(
  (a, b) => b[1].bytes - a[1].bytes,
);
const shown = growth.slice(0, top);
const total = (rows: readonly [string, HolderTotal][], buffers: boolean): number =>
  rows.reduce((sum, [label, t]) => sum + (label !== WASM_MEMORY && label.startsWith('buffer: ') === buffers ? t.bytes : 0), 0);
lines.push(
  `Heap snapshot, per call (${last.calls} → ${snapshotCalls} calls): JS heap ${kb(total(growth, false))} KB, typed-array memory ${kb(total(growth, true))} KB; largest ${top}:`,
  '',
  '| holder | bytes per call | objects per call |',
  '| --- | ---: | ---: |',
  ...shown.map(([label, t]) => `| ${label.replaceAll('|', '\\|')} | ${Math.round(t.bytes)} | ${t.count.toFixed(2)} |`),
  '',
);
rmSync(snapshots, { recursive: true, force: true });
process.stdout.write(lines.join('\n'));
process.exit(0);
