import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureMessageEvent } from '../../bench/capture/captureFormat.js';
import { readCapture } from '../../bench/capture/readCapture.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { startTestEngine } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';

let dir: string;
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callwire-capture-'));
  engine = await startTestEngine([], { captureDir: dir });
});

afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('serve --capture', () => {
  it('writes every inbound message byte for byte, in order, with what the engine sent and how it closed', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    const sent: Buffer[] = [];
    const send = (text: string): void => {
      sent.push(Buffer.from(text));
      client.sendRaw(text);
    };
    client.begin();
    send('not json');
    send('{\n  "event": "something_new"\n}');
    await client.streamMedia(mulawTone(25));
    await client.waitFor(() => client.receivedMs >= 200, EVENT_WAIT_MS, 'echo');
    client.sendStop();
    await client.closed;
    // The engine finishes the file after the socket has closed; its last line is the close (a file
    // still being written may end mid-line, which does not parse yet).
    await eventually(async () => {
      const [file] = await readdir(dir);
      if (file === undefined) return false;
      const written = await readCapture(join(dir, file)).catch(() => undefined);
      return written?.events.at(-1)?.kind === 'close';
    }, 'the capture to be written to its close');

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const capture = await readCapture(join(dir, files[0]!));
    expect(capture.header).toMatchObject({ serviceHost: 'echo.default', inbound: { encoding: 'PCMU', sampleRate: 8000 }, outbound: { encoding: 'PCMU', sampleRate: 8000 } });
    const inbound = capture.events.filter((event): event is CaptureMessageEvent => event.kind === 'in' || event.kind === 'in-text');
    // connected, start, the two odd frames, 25 media, stop.
    expect(inbound).toHaveLength(30);
    expect(inbound.map((event) => event.kind).slice(2, 4)).toEqual(['in-text', 'in-text']);
    expect(inbound[2]!.data.equals(sent[0]!)).toBe(true);
    expect(inbound[3]!.data.equals(sent[1]!)).toBe(true);
    const times = capture.events.map((event) => event.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const outbound = capture.events.filter((event) => event.kind === 'out');
    expect(outbound.length).toBe(client.frames.length);
    expect(capture.events.at(-1)).toMatchObject({ kind: 'close', code: 1000, reason: 'stream_stopped' });
  });
});
