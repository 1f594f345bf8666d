import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readWav } from '../../bots/wav/readWav.js';
import { defineBot } from '../../bots/defineBot.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { alignEcho, framesHeard } from '../../test/support/echoAlignment.js';
import { startTestEngine, testAgent } from '../../test/support/engine.js';
import { eventually } from '../../test/support/eventWait.js';
import { LogLines } from '../../test/support/telnyxEngine.js';
import { createLogger } from '../../engine/logger.js';
import type { Capture, CaptureEvent } from '../capture/captureFormat.js';
import { readCapture } from '../capture/readCapture.js';
import { simulatedCall, startFrame } from '../telnyx/mediaFrames.js';
import { cutCapture } from './cutCapture.js';
import { planReplay } from './replayPlan.js';
import { buildReplayReport } from './replayReport.js';
import { runReplayCommand } from './replayCommand.js';
import type { ReplayReport } from './replayReport.js';
import { runReplay } from './replaySession.js';

/** Plays 100 ms then mark `played`, 300 ms then mark `flushed`, then 3 s; a key press clears what is queued. */
const bargeBot = defineBot({
  name: 'barge',
  create: ({ output }) => {
    const tone = new Int16Array(24_000).map((_, i) => Math.round(Math.sin(i / 3) * 6000));
    output.play(tone, 0, 800);
    output.mark('played');
    output.play(tone, 0, 2400);
    output.mark('flushed');
    output.play(tone);
    return { dtmf: () => void output.clear() };
  },
});

let engine: Awaited<ReturnType<typeof startTestEngine>>;
/** The engine's log: each call's last line says what its jitter buffer concealed. */
const logs = new LogLines();

beforeAll(async () => {
  // 400 ms sent ahead, so `flushed` is at Telnyx, unplayed, when the key press clears.
  engine = await startTestEngine([testAgent('barge', bargeBot, { media: { outbound: { leadFrames: 20 } } })], { log: createLogger('info', logs.stream) });
});

afterAll(async () => {
  await engine.close();
});

function mediaPayloads(events: readonly { data: Buffer }[]): Buffer {
  return Buffer.concat(events.map((event) => Buffer.from((JSON.parse(event.data.toString()) as { media: { payload: string } }).media.payload, 'base64')));
}

function decodePcmu(bytes: Buffer): Int16Array {
  const pcm = new Int16Array(bytes.length);
  new PcmuDecoder().decode(bytes, bytes.length, pcm);
  return pcm;
}

describe('callwire replay against the real engine on 127.0.0.1', () => {
  it('replays the first 3 s of a PCMU fixture to echo.default and gets the same audio back', async () => {
    const capture = cutCapture(await readCapture('bench/fixtures/pcmu-8k-menu.capture.jsonl'), 3000);
    const plan = planReplay(capture);
    const linesBefore = logs.lines.length;
    const recording = await runReplay(plan, { url: engine.url('echo.default') });
    const { report, pcm } = buildReplayReport(recording);

    const sentMedia = plan.sends.filter((item) => item.event === 'media');
    expect(report.sent).toMatchObject({ messages: plan.sends.length, media: sentMedia.length, notSent: 0 });
    expect(report.sent.byEvent).toEqual({ connected: 1, start: 1, media: sentMedia.length, stop: 1 });
    expect(report.close).toMatchObject({ code: 1000, reason: 'stream_stopped', by: 'engine' });
    expect(report.received.violations).toEqual([]);
    expect(report.received.byEvent).toEqual({ media: report.received.media });

    // The numbers add up: 8 PCMU bytes per ms, every received payload decoded.
    const received = recording.received.map((message) => ({ data: message.data }));
    const echoed = mediaPayloads(received);
    expect(report.received.audioMs).toBe(echoed.length / 8);
    expect(pcm.length).toBe(echoed.length);
    expect(report.audio.durationMs).toBe(report.received.audioMs);
    expect(report.timing.interArrivalMs.count).toBe(report.received.media - 1);

    // Echo: what was sent comes back in order, minus the bot's 200 ms delay and whatever was still
    // buffered when `stop` arrived, sample for sample after the µ-law round trip. The engine's
    // jitter buffer may insert or drop a quiet frame, or time-stretch by a pitch period, when this
    // machine's scheduling jitter moves its target, so the audio is aligned sample by sample.
    const sent = mediaPayloads(sentMedia);
    expect(echoed.length % 160).toBe(0);
    expect(echoed.length).toBeGreaterThanOrEqual(sent.length - 8 * 400);
    const alignment = alignEcho(decodePcmu(sent), decodePcmu(echoed));
    // Every echoed frame that is not the caller's audio is one the engine says it made up: a frame
    // its jitter buffer concealed or filled with silence while this machine's scheduling starved it,
    // or outbound filler (plus a frame or two at the edges of a time-stretch).
    const echoEnded = () => logs.lines.slice(linesBefore).find((line) => line['msg'] === 'call ended' && line['agent'] === 'echo.default');
    await eventually(() => echoEnded() !== undefined, 'the call to end');
    const { jitter, outboundUnderruns } = echoEnded() as unknown as { jitter: { concealedFrames: number; silenceFrames: number }; outboundUnderruns: number };
    const madeUp = jitter.concealedFrames + jitter.silenceFrames + outboundUnderruns;
    expect(framesHeard(alignment), JSON.stringify({ echoedFrames: echoed.length / 160, jitter, outboundUnderruns })).toBeGreaterThanOrEqual(echoed.length / 160 - madeUp - 3);
    expect(alignment.backwardJumps).toBe(0);
    expect(pcm).toEqual(decodePcmu(echoed));

    // Not before the bot's 200 ms delay (less what a busy machine does to the two timestamps).
    expect(report.timing.firstAudioAfterFirstMediaMs).toBeGreaterThanOrEqual(150);
    expect(report.timing.firstAudioAfterFirstMediaMs).toBeLessThan(600);
    expect(report.marks.sent).toBe(0);
    expect(report.clears.count).toBe(0);
  });

  it('echoes a mark once its audio has played, and a pending one at once on clear', async () => {
    const frame = (t: number, text: string): CaptureEvent => ({ kind: 'in', t: t * 1000, data: Buffer.from(text) });
    const silence = Buffer.alloc(160, 0xff).toString('base64');
    const events: CaptureEvent[] = [frame(1, '{"event":"connected","version":"1.0.0"}')];
    events.push(frame(2, startFrame(simulatedCall({ streamId: 'replay-test' }))));
    // sequence_number counts every frame after `connected`, the key press included, as Telnyx's does.
    let sequence = 1;
    for (let i = 0; i < 50; i++) {
      const at = 20 + i * 20;
      events.push(frame(at, `{"event":"media","sequence_number":"${++sequence}","media":{"track":"inbound","chunk":"${i + 1}","timestamp":"${i * 20}","payload":"${silence}"},"stream_id":"replay-test"}`));
      if (at === 240) events.push(frame(250, `{"event":"dtmf","sequence_number":"${++sequence}","dtmf":{"digit":"1"},"stream_id":"replay-test"}`));
    }
    events.push(frame(1020, `{"event":"stop","sequence_number":"${++sequence}","stop":{},"stream_id":"replay-test"}`));
    const capture: Capture = {
      header: { callwire: 'capture', version: 1, callId: 'barge', serviceHost: 'barge.test', startedAt: new Date().toISOString(), inbound: { encoding: 'PCMU', sampleRate: 8000 }, outbound: null },
      events,
    };
    const recording = await runReplay(planReplay(capture), { url: engine.url('barge.test') });
    const { report } = buildReplayReport(recording);

    expect(report.marks).toMatchObject({ sent: 2, echoedPlayed: 1, echoedByClear: 1, pending: 0 });
    const [played, flushed] = report.marks.list;
    expect(played).toMatchObject({ name: 'played', byClear: false });
    expect(flushed).toMatchObject({ name: 'flushed', byClear: true });
    expect(report.clears.count).toBe(1);
    // `played` follows 100 ms of audio: echoed once that has played, not when the mark arrived.
    expect(played!.echoedAtMs! - report.timing.firstAudioAtMs!).toBeGreaterThanOrEqual(95);
    // `flushed` is echoed by the clear, as it arrives, before its 300 ms of audio could have played.
    expect(flushed!.echoedAtMs! - report.clears.atMs[0]!).toBeLessThan(20);
    expect(flushed!.echoedAtMs! - report.timing.firstAudioAtMs!).toBeLessThan(400);
    expect(report.close.code).toBe(1000);
  });

  it('the command writes the WAV and a capture of the run, and prints the report as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callwire-replay-'));
    const out: string[] = [];
    try {
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
      const wav = join(dir, 'echo.wav');
      const saved = join(dir, 'run.capture.jsonl');
      const code = await runReplayCommand(['bench/fixtures/pcma-8k-bargein.capture.jsonl', '--first', '1', '--url', engine.url('echo.default'), '--wav', wav, '--save', saved, '--json']);
      vi.restoreAllMocks();
      expect(code).toBe(0);
      const report = JSON.parse(out.join('')) as ReplayReport;
      expect(report.sent.media).toBe(49);
      const audio = readWav(await readFile(wav));
      expect(audio.sampleRate).toBe(8000);
      expect(audio.samples.length).toBe(report.audio.samples);
      const run = await readCapture(saved);
      expect(run.header).toMatchObject({ callId: 'pcma-8k-bargein-replay', inbound: { encoding: 'PCMA', sampleRate: 8000 }, outbound: { encoding: 'PCMU', sampleRate: 8000 } });
      expect(run.events.filter((event) => event.kind === 'in')).toHaveLength(report.sent.messages);
      expect(run.events.filter((event) => event.kind === 'out')).toHaveLength(report.received.messages);
      expect(run.events.at(-1)).toMatchObject({ kind: 'close', code: 1000 });
    } finally {
      vi.restoreAllMocks();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the command exits 1 when the engine refuses the stream', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => errors.push(String(chunk)) > 0);
    const code = await runReplayCommand(['bench/fixtures/pcmu-8k-menu.capture.jsonl', '--first', '1', '--url', engine.url('nobody.nowhere')]);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(/refused the stream \(4\d\d\d /);
  });
});
