import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { perUnitGrowth, summarizeSnapshot } from './heapSnapshot.js';

/** A holder whose typed-array memory the summary must attribute to `MemoryProbeHolder.samples`. */
class MemoryProbeHolder {
  readonly samples = new Int16Array(4000);
}

const directory = mkdtempSync(join(tmpdir(), 'callwire-snapshot-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('summarizeSnapshot', () => {
  it('attributes typed-array memory to the property holding it, and per-unit growth counts only what was added', () => {
    const held: MemoryProbeHolder[] = [];
    for (let i = 0; i < 10; i++) held.push(new MemoryProbeHolder());
    const before = summarizeSnapshot(writeHeapSnapshot(join(directory, 'before.heapsnapshot')));
    for (let i = 0; i < 40; i++) held.push(new MemoryProbeHolder());
    const after = summarizeSnapshot(writeHeapSnapshot(join(directory, 'after.heapsnapshot')));

    const label = 'buffer: MemoryProbeHolder.samples (Int16Array)';
    expect(before.get(label)).toEqual({ bytes: 10 * 8000, count: 10 });
    expect(after.get(label)).toEqual({ bytes: 50 * 8000, count: 50 });
    const growth = perUnitGrowth(before, after, 40);
    expect(growth.get(label)).toEqual({ bytes: 8000, count: 1 });
    expect(growth.get('MemoryProbeHolder')?.count).toBe(1);
    expect(held).toHaveLength(50);
  }, 120_000);
});
