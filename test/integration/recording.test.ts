import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { echoBot } from '../../bots/echo.js';
import { readWav } from '../../bots/wav/readWav.js';
import { rms, zeroCrossingHz } from '../support/audioAnalysis.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { StallMonitor } from '../support/stallMonitor.js';

let dir: string;
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callwire-recording-'));
  engine = await startTestEngine([testAgent('recorded', echoBot, { recording: { dir, always: true } })]);
});

afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** One channel of interleaved stereo. */
function channel(samples: Int16Array, which: 0 | 1): Int16Array {
  const out = new Int16Array(samples.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = samples[i * 2 + which]!;
  return out;
}

describe('call recording', () => {
  it('writes a playable stereo WAV, caller left and bot right, even when the socket dies mid-call', async () => {
    // Ticks a stall of the shared machine could have cost are excused (none on a quiet one).
    const stalls = new StallMonitor();
    onTestFinished(() => stalls.stop());
    const client = await TelnyxMediaClient.connect(engine.url('recorded.test'));
    const connectedAt = performance.now();
    client.begin();
    await client.streamMedia(mulawTone(75, 600, 600));
    await client.waitFor(() => client.receivedMs >= 1000, EVENT_WAIT_MS, 'the echo');
    client.terminate(); // no stop, no close frame
    await eventually(() => engine.calls.size === 0, 'the engine to end the call');
    const callSeconds = (performance.now() - connectedAt) / 1000;
    // The engine flushes the rest of the file after the call has ended; the header is right after
    // every flush, so wait until the file holds the caller's 1.5 s tone (less what stalls cost).
    const leastSeconds = 1.3 - stalls.framesAtRisk() * 0.02;
    const recorded = async (): Promise<number> => {
      const [file] = await readdir(dir);
      if (file === undefined) return 0;
      try {
        return readWav(await readFile(join(dir, file))).samples.length / 2 / 8000;
      } catch {
        return 0; // opened, its first header not written yet
      }
    };
    await eventually(async () => (await recorded()) > leastSeconds, `the recording to hold the whole call (stalls: ${stalls.describe()})`);

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const wav = readWav(await readFile(join(dir, files[0]!)));
    expect(wav.channels).toBe(2);
    expect(wav.sampleRate).toBe(8000);
    const seconds = wav.samples.length / 2 / 8000;
    expect(seconds).toBeGreaterThan(leastSeconds);
    // No more than the call lasted: nothing padded or written twice.
    expect(seconds).toBeLessThanOrEqual(callSeconds + 0.1);
    const caller = channel(wav.samples, 0);
    const bot = channel(wav.samples, 1);
    // The caller's 600 Hz tone on the left from the start; the echo on the right, about 200 ms later.
    expect(zeroCrossingHz(caller.subarray(800, 8000), 8000)).toBeCloseTo(600, -1);
    expect(rms(bot.subarray(0, 1200))).toBeLessThan(100);
    expect(rms(bot.subarray(4000, 8000))).toBeGreaterThan(3000);
    expect(zeroCrossingHz(bot.subarray(4000, 8000), 8000)).toBeCloseTo(600, -1);
  });
});
