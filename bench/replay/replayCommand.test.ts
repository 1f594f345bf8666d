import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runReplayCommand } from './replayCommand.js';

function captureOutput() {
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return { err };
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('callwire replay (command line)', () => {
  it('exits 1 when the connection fails', async () => {
    const port = await closedPort();
    const { err } = captureOutput();
    const code = await runReplayCommand(['bench/fixtures/pcmu-8k-menu.capture.jsonl', '--url', `ws://127.0.0.1:${port}/ws/telnyx?serviceHost=echo.default`]);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(err.join('')).toContain('cannot connect');
  });

  it('exits 1 when the capture cannot be read, 2 on bad usage', async () => {
    const { err } = captureOutput();
    expect(await runReplayCommand(['no/such/file.capture.jsonl'])).toBe(1);
    expect(await runReplayCommand([])).toBe(2);
    expect(await runReplayCommand(['a', 'b'])).toBe(2);
    expect(await runReplayCommand(['a', '--speed', '0'])).toBe(2);
    expect(await runReplayCommand(['a', '--first', '-1'])).toBe(2);
    expect(await runReplayCommand(['a', '--bogus'])).toBe(2);
    vi.restoreAllMocks();
    expect(err.join('')).toContain('Usage:');
  });
});
