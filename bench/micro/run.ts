/**
 * Codec and Telnyx message microbenchmarks: each of our per-frame paths against an obvious baseline,
 * timed and measured for allocations in the same run. Prints a Markdown table; exits 1 when an output
 * differs from its baseline or when one of our allocation-free paths allocates (a regression check).
 *
 * Run: `node --expose-gc --import tsx bench/micro/run.ts [substring of job names]`
 */
import { codecPairs } from './codecPairs.js';
import { buildInputs } from './inputs.js';
import type { BenchPair } from './pair.js';
import { measurePair, type PairResult } from './measure.js';
import { messagePairs } from './messagePairs.js';
import bufferutil from 'bufferutil';
import { unmaskPairs, wsReceivePairs } from './wsReceivePairs.js';
import { machineLine, markdownTable } from './report.js';

const filter = process.argv[2]?.toLowerCase();
if ((globalThis as { gc?: unknown }).gc === undefined) {
  process.stderr.write('warning: run with --expose-gc for clean allocation figures\n');
}

function buildPairs(): BenchPair[] {
  const inputs = buildInputs();
  return [...codecPairs(inputs), ...messagePairs(inputs), ...wsReceivePairs(inputs), ...unmaskPairs(inputs, bufferutil.unmask)];
}
// V8 specializes a closure on its captured variables while it is the only instance of its function
// literal, turning the inputs into constants (measured: table decode 140 ns instead of 290 ns). The
// engine reads its inputs from object fields, so a throwaway first set keeps every op unspecialized.
buildPairs();
const pairs = buildPairs().filter((pair) => filter === undefined || pair.name.toLowerCase().includes(filter));

const failures: string[] = [];
for (const pair of pairs) {
  try {
    pair.verify();
  } catch (error) {
    failures.push(`output differs from baseline: ${(error as Error).message}`);
  }
}

const results: PairResult[] = [];
if (failures.length === 0) {
  for (const pair of pairs) {
    process.stderr.write(`measuring ${pair.name}\n`);
    const result = await measurePair(pair);
    results.push(result);
    const limit = pair.maxHeapBytesPerOp;
    const heap = result.ours[0]!.heapBytesPerOp;
    if (limit !== undefined && heap > limit) {
      failures.push(`${pair.name}: callwire allocates ${heap.toFixed(1)} heap bytes per call (limit ${limit})`);
    }
  }
  process.stdout.write(`${machineLine()}\n\n${markdownTable(results)}\n`);
}

for (const failure of failures) process.stderr.write(`FAIL ${failure}\n`);
if (failures.length > 0) process.exitCode = 1;
