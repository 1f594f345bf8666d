import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapOnExit, stopChild } from '../../bench/abuse/childReaper.js';
import { probeHealth } from '../../bench/abuse/healthProbe.js';
import { FakeOpenAIRealtime } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { encodeFakeAudio, toneSamples } from '../../bench/fakes/fakeAudio.js';
import { makeTestCertificate, type TestCertificate } from '../../bench/fakes/selfSignedTls.js';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'sk-test-serve';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * The shipped `openai-realtime` agent as a user runs it: `callwire serve` with a config file,
 * `OPENAI_API_KEY` and `OPENAI_BASE_URL` in the environment, and the fake's certificate trusted
 * through `NODE_EXTRA_CA_CERTS` (so the engine's own TLS client path is the one tested).
 */
describe('callwire serve with an openai-realtime agent', () => {
  let certificate: TestCertificate;
  let fake: FakeOpenAIRealtime;
  let engine: ChildProcess;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    certificate = await makeTestCertificate();
    fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, answerMs: 400 });
    dir = mkdtempSync(join(tmpdir(), 'callwire-ai-'));
    const config = join(dir, 'callwire.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        // The overload guard lifted: a busy test machine would make the engine refuse the call as "overload".
        limits: { maxEventLoopDelayMs: 60_000 },
        organizations: { acme: { agents: { 'front-desk': { bot: 'openai-realtime', options: { instructions: 'You are the front desk of Acme.', voice: 'marin', greeting: 'Hello from Acme.' } } } } },
      }),
    );
    port = await freePort();
    engine = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'engine/cli.ts'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', config], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.baseURL, NODE_EXTRA_CA_CERTS: certificate.caFile, CALLWIRE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    reapOnExit(engine);
    for (;;) {
      const probe = await probeHealth(port, 1000);
      if ('ms' in probe) break;
      if (engine.exitCode !== null) throw new Error(`callwire serve exited with ${engine.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await stopChild(engine);
    await fake.close();
    certificate.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('greets the caller with the model’s voice and answers a turn', async () => {
    const client = await TelnyxMediaClient.connect(`ws://127.0.0.1:${port}/ws/telnyx?serviceHost=front-desk.acme`);
    client.begin();
    const silence = new Uint8Array(160).fill(0xff);
    const speech = encodeFakeAudio('audio/pcmu', toneSamples(440, 20, 8000, 12_000));
    let frame = 0;
    const timer = setInterval(() => client.open && client.sendMedia(frame++ % 50 < 20 ? speech : silence), 20);
    try {
      await until(() => fake.sessions[0]?.firstAudioSentAt.size === 2);
      const session = fake.sessions[0]!;
      expect(session.authorization).toBe(`Bearer ${API_KEY}`);
      expect(session.model).toBe('gpt-realtime');
      expect(session.session).toMatchObject({ instructions: 'You are the front desk of Acme.', audio: { output: { voice: 'marin', format: { type: 'audio/pcmu' } } } });
      expect(session.responseInstructions[0]).toContain('Hello from Acme.');
      await until(() => client.media.some((media) => media.payload.some((byte) => byte !== 0xff && byte !== 0x7f)));
    } finally {
      clearInterval(timer);
      client.sendStop();
      await client.closed;
    }
    await until(() => fake.sessions[0]!.closed);
  }, 30_000);
});
