import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedLogSink, whenLogsWritten } from './boundedSink.js';

describe('whenLogsWritten', () => {
  let dir: string | undefined;

  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('resolves once every line handed to a bounded sink is in its file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'callwire-sink-'));
    const path = join(dir, 'log.jsonl');
    const fd = openSync(path, 'w');
    const sink = boundedLogSink(fd);
    await new Promise((resolve) => sink.once('ready', resolve));
    const line = `${JSON.stringify({ msg: 'draining', padding: 'x'.repeat(200) })}\n`;
    for (let index = 0; index < 2000; index++) sink.write(line);
    await whenLogsWritten(60_000);
    expect(readFileSync(path, 'utf8')).toBe(line.repeat(2000));
    // Ending closes the file's descriptor too.
    sink.end();
    await new Promise((resolve) => sink.once('close', resolve));
  });

  it('resolves at once when nothing is waiting to be written', async () => {
    await expect(whenLogsWritten(60_000)).resolves.toBeUndefined();
  });
});
