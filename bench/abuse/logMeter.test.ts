import { appendFileSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogMeter } from './logMeter.js';

describe('log meter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-logmeter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every byte written, truncating the file above its limit while an appending writer carries on', async () => {
    const path = join(dir, 'engine.log');
    const writer = openSync(path, 'a');
    const meter = new LogMeter(path, 1000);
    writeSync(writer, 'a'.repeat(600));
    expect(meter.totalBytes()).toBe(600);
    writeSync(writer, 'b'.repeat(600));
    expect(meter.totalBytes()).toBe(1200);
    await meter.settled();
    expect(statSync(path).size).toBe(0);
    writeSync(writer, 'c'.repeat(300));
    expect(meter.totalBytes()).toBe(1500);
    expect(statSync(path).size).toBe(300);
    closeSync(writer);
  });

  it('keeps the tail of the log across a truncation', async () => {
    const path = join(dir, 'tail.log');
    appendFileSync(path, 'first part\n'.repeat(200));
    const meter = new LogMeter(path, 1000);
    meter.totalBytes();
    await meter.settled();
    appendFileSync(path, 'last line\n');
    const tail = meter.tail().toString();
    expect(tail.endsWith('first part\nlast line\n')).toBe(true);
  });
});
