import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../bots/wav/readWav.js';
import { writeWav } from '../../bots/wav/writeWav.js';
import { rms, zeroCrossingHz } from '../../test/support/audioAnalysis.js';
import { startTestEngine } from '../../test/support/engine.js';
import { replyDelays, runCallCommand, streamUrl } from './callCommand.js';

let dir: string;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callwire-call-'));
  engine = await startTestEngine();
  base = `ws://127.0.0.1:${engine.port}`;
});

afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** A WAV file of `seconds` of a `hz` tone (0: silence) at `sampleRate`. */
async function wavFile(name: string, seconds: number, hz: number, sampleRate = 8000): Promise<string> {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) samples[i] = hz === 0 ? 0 : Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  const path = join(dir, name);
  await writeFile(path, writeWav(samples, sampleRate));
  return path;
}

async function call(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCallCommand(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  return { code, out, err };
}

describe('callwire call', () => {
  it('plays a WAV to the echo agent and writes what it said back', async () => {
    // 16 kHz stereo-free input: the command converts it to the call's 8 kHz µ-law.
    const wav = await wavFile('tone16k.wav', 1.2, 600, 16000);
    const outPath = join(dir, 'echo-out.wav');
    const result = await call(['echo.default', '--wav', wav, '--out', outPath, '--url', base, '--tail', '600']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('calling echo.default');
    expect(result.out).toContain('bot audio starts');
    expect(result.out).toMatch(/ended: stream_stopped \(the caller hung up after the bot went quiet\)/);
    expect(result.out).toMatch(/bot first heard at \d+ ms/);
    const heard = readWav(await readFile(outPath));
    expect(heard.sampleRate).toBe(8000);
    expect(heard.samples.length / 8000).toBeGreaterThan(1);
    const loud = heard.samples.subarray(4000, 8000);
    expect(rms(loud)).toBeGreaterThan(3000);
    expect(zeroCrossingHz(loud, 8000)).toBeCloseTo(600, -1);
  });

  it('presses keys on time: the menu hears # and says goodbye', async () => {
    const wav = await wavFile('quiet.wav', 1, 0);
    const outPath = join(dir, 'menu-out.wav');
    const result = await call(['menu.default', '--wav', wav, '--dtmf', '#@0.5s', '--out', outPath, '--url', base]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/0\.\d\d s {2}key # pressed/);
    // The menu cuts its greeting short for the goodbye, then hangs up itself.
    expect(result.out).toMatch(/key # pressed\n.*clear: the bot cut its queued audio/);
    expect(result.out).toMatch(/ended: bot_hangup \(callwire ended the call\)/);
    expect(rms(readWav(await readFile(outPath)).samples)).toBeGreaterThan(100);
  });

  it('says what is wrong in one line: no such agent, a bad schedule, nothing listening', async () => {
    const wav = await wavFile('short.wav', 0.2, 0);
    const unknown = await call(['nobody.default', '--wav', wav, '--url', base]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/there is no agent nobody\.default; list them with callwire agents list/);
    const badSchedule = await call(['echo.default', '--wav', wav, '--dtmf', '1@soon', '--url', base]);
    expect(badSchedule.code).toBe(2);
    expect(badSchedule.err).toContain('"1@soon"');
    const missing = await call(['echo.default', '--wav', join(dir, 'absent.wav'), '--url', base]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot use .*absent\.wav as the caller/);
    const closed = await startTestEngine();
    const port = closed.port;
    await closed.close();
    const nothing = await call(['echo.default', '--wav', wav, '--url', `ws://127.0.0.1:${port}`]);
    expect(nothing.code).toBe(1);
    expect(nothing.err).toMatch(/nothing is listening at ws:\/\/127\.0\.0\.1:\d+: start the engine/);
  });
});

describe('call helpers', () => {
  it('builds the stream URL from an engine address or a full stream URL', () => {
    expect(streamUrl('ws://127.0.0.1:8080', 'echo.default')).toBe('ws://127.0.0.1:8080/ws/telnyx?serviceHost=echo.default');
    expect(streamUrl('https://callwire.example.com/', 'desk.acme')).toBe('wss://callwire.example.com/ws/telnyx?serviceHost=desk.acme');
    expect(streamUrl('wss://h.example/ws/telnyx?token=abc', 'desk.acme')).toBe('wss://h.example/ws/telnyx?token=abc&serviceHost=desk.acme');
  });

  it('measures each reply from the end of what the caller said to the next sound of the bot', () => {
    const caller = [{ startMs: 0, endMs: 1000 }, { startMs: 3000, endMs: 4000 }, { startMs: 6000, endMs: 6500 }];
    const bot = [{ startMs: 1400, endMs: 2500 }, { startMs: 3500, endMs: 3600 }, { startMs: 4700, endMs: 5000 }];
    // The bot's sound at 3.5 s talks over the caller: not a reply. Nothing answers the last turn.
    expect(replyDelays(caller, bot)).toEqual([400, 700]);
  });
});
