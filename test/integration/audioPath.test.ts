import alawmulaw from 'alawmulaw';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { mediaFrame } from '../../bench/telnyx/mediaFrames.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { AudioFrame, ClearedAudio } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { echoBot } from '../../bots/echo.js';
import { L16Encoder } from '../../codecs/l16.js';
import { OpusFrameDecoder } from '../../codecs/opus/opusFrameDecoder.js';
import { OpusFrameEncoder } from '../../codecs/opus/opusFrameEncoder.js';
import { openOpusCoders } from '../../codecs/opus/openCoders.js';
import { rms, toneFrames, zeroCrossingHz } from '../support/audioAnalysis.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { StallMonitor } from '../support/stallMonitor.js';

const { mulaw } = alawmulaw;

/** What the wideband probe heard: one entry per frame. */
const heard: { sampleRate: number; sampleCount: number; kind: string }[] = [];

/** A 16 kHz bot that records each frame's shape and plays every frame straight back. */
const widebandEcho = defineBot({
  name: 'wideband-echo',
  sampleRate: 16000,
  create: ({ output }) => ({
    audio: (frame: AudioFrame) => {
      heard.push({ sampleRate: frame.sampleRate, sampleCount: frame.sampleCount, kind: frame.kind });
      output.play(frame.samples, 0, frame.sampleCount);
    },
  }),
});

interface BargeIn {
  cleared?: ClearedAudio;
  marks: string[];
}
const bargeIns = new Map<string, BargeIn>();

/** Says a 300 ms intro, then talks for 2 s; a key press cuts it off (barge-in), then it says something short. */
const bargerBot = defineBot({
  name: 'barger',
  create: ({ call, output }) => {
    const entry: BargeIn = { marks: [] };
    bargeIns.set(call.callControlId, entry);
    const speech = new Int16Array(16_000).map((_, i) => Math.round(Math.sin(i / 4) * 6000));
    output.play(speech, 0, 2400);
    output.mark('intro');
    output.play(speech);
    output.mark('long-answer');
    return {
      dtmf: () => {
        entry.cleared = output.clear();
        output.play(speech, 0, 800);
        output.mark('short-answer');
      },
      mark: (name) => void entry.marks.push(name),
    };
  },
});

let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine([
    testAgent('wideband', widebandEcho),
    // 200 ms sent ahead, so the intro's mark is at Telnyx, unplayed, when the caller barges in.
    testAgent('barger', bargerBot, { media: { outbound: { leadFrames: 10 } } }),
    testAgent('opus-echo', echoBot, { media: { outboundEncoding: 'inbound' } }),
  ]);
});

afterAll(async () => {
  await engine.close();
});

/** Sends `payloads` as media frames every 20 ms, in the order `order` gives (indices into payloads). */
async function sendInOrder(client: TelnyxMediaClient, payloads: readonly Uint8Array[], order: readonly number[]): Promise<void> {
  const begin = performance.now();
  for (let slot = 0; slot < order.length; slot++) {
    const wait = begin + slot * 20 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const index = order[slot]!;
    // sequence_number 1 was the start frame; media counts on from 2, as Telnyx's does.
    client.sendRaw(mediaFrame(client.call, index + 2, index + 1, index * 160, payloads[index]!));
  }
}

describe('audio path over real WebSockets', () => {
  it('gives a 16 kHz bot 16 kHz frames from an L16 call and sends its audio back as 8 kHz PCMU', async () => {
    // Frames a stall of the shared machine could have cost are excused (none on a quiet one).
    const stalls = new StallMonitor();
    onTestFinished(() => stalls.stop());
    heard.length = 0;
    const client = await TelnyxMediaClient.connect(engine.url('wideband.test'), { call: { encoding: 'L16', sampleRate: 16000 } });
    client.begin();
    const encoder = new L16Encoder({ sampleRate: 16000, byteOrder: 'big' });
    const payloads = toneFrames(60, 1000, 16000).map((pcm) => {
      const bytes = new Uint8Array(640);
      encoder.encode(pcm, 0, 320, bytes);
      return bytes;
    });
    await client.streamMedia(payloads);
    await client.waitFor(() => client.receivedMs >= 800, EVENT_WAIT_MS, '800 ms of echo');
    await client.close();

    expect(heard.length, `stalls: ${stalls.describe()}`).toBeGreaterThan(40 - stalls.framesAtRisk());
    expect(heard.every((frame) => frame.sampleRate === 16000 && frame.sampleCount === 320)).toBe(true);
    expect(heard.filter((frame) => frame.kind === 'speech').length, `stalls: ${stalls.describe()}`).toBeGreaterThanOrEqual(50 - stalls.framesAtRisk());
    expect(client.media.every((item) => item.payload.length % 160 === 0)).toBe(true);
    const echoed = mulaw.decode(client.receivedAudio());
    const steady = echoed.subarray(1600, 6400);
    expect(zeroCrossingHz(steady, 8000)).toBeCloseTo(1000, -1);
    expect(rms(steady)).toBeGreaterThan(5000);
  });

  it('puts reordered frames back in sequence before the bot hears them', async () => {
    // Frames a stall of the shared machine could have cost are excused (none on a quiet one).
    const stalls = new StallMonitor();
    onTestFinished(() => stalls.stop());
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    const frames = mulawTone(100);
    // Every pair arrives swapped: 1 0 3 2 5 4 ...
    const order = frames.map((_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    await sendInOrder(client, frames, order);
    await client.waitFor(() => client.receivedMs >= 1500, EVENT_WAIT_MS, '1.5 s of echo');
    client.sendStop();
    await client.closed;

    // Once the buffer has adapted to the swaps, frames come back in their original order. A frame
    // concealed because a loaded machine delayed it is missing from the echo, but never out of order.
    const echoed = client.receivedAudio();
    let position = -1;
    let found = 0;
    for (let i = 20; i < 90; i++) {
      const at = echoed.indexOf(frames[i]!, position + 1);
      if (at < 0) continue;
      expect(at).toBeGreaterThan(position);
      position = at;
      found++;
    }
    expect(found, `stalls: ${stalls.describe()}`).toBeGreaterThanOrEqual(63 - stalls.framesAtRisk());
  });

  it('decodes and encodes Opus per call, one packet per message, and frees both coders when the call ends', async () => {
    const before = { ...openOpusCoders };
    const client = await TelnyxMediaClient.connect(engine.url('opus-echo.test'), { call: { encoding: 'OPUS', sampleRate: 16000 } });
    client.begin();
    const encoder = new OpusFrameEncoder({ sampleRate: 16000 });
    const packet = new Uint8Array(400);
    const packets = toneFrames(60, 700, 16000).map((pcm) => packet.slice(0, encoder.encode(pcm, 0, 320, packet)));
    encoder.close();
    await client.streamMedia(packets);
    await client.waitFor(() => client.media.length >= 40, EVENT_WAIT_MS, '40 Opus packets');
    expect(openOpusCoders.decoders - before.decoders).toBe(1);
    expect(openOpusCoders.encoders - before.encoders).toBe(1);
    client.sendStop();
    await client.closed;

    const decoder = new OpusFrameDecoder({ sampleRate: 16000 });
    const pcm = new Int16Array(320 * client.media.length);
    let written = 0;
    for (const item of client.media) written += decoder.decode(item.payload, item.payload.length, pcm.subarray(written));
    decoder.close();
    expect(written).toBe(320 * client.media.length); // exactly one 20 ms packet per message
    const steady = pcm.subarray(320 * 15, 320 * 35);
    expect(zeroCrossingHz(steady, 16000)).toBeGreaterThan(650);
    expect(zeroCrossingHz(steady, 16000)).toBeLessThan(750);
    await eventually(() => openOpusCoders.decoders === before.decoders && openOpusCoders.encoders === before.encoders, 'the call to free its Opus coders');
    expect(openOpusCoders).toEqual(before);
  });

  it('barge-in: clear reaches Telnyx, the bot learns what was cut, and hears only of marks that played', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('barger.test'));
    client.begin();
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.sendDtmf('1');
    await client.waitFor(() => (bargeIns.get(client.call.callControlId)?.marks.length ?? 0) >= 1, EVENT_WAIT_MS, 'the short answer to play');
    const entry = bargeIns.get(client.call.callControlId)!;
    expect(client.clears).toBe(1);
    // Telnyx echoes the intro's mark when it clears; the bot does not hear of it as played.
    expect(client.echoedMarks).toEqual(['intro', 'short-answer']);
    expect(entry.marks).toEqual(['short-answer']);
    expect(entry.cleared!.cutMarks).toEqual(['intro', 'long-answer']);
    // About 2.1 s of the 2.3 s were cut: some sent but unplayed, the rest still queued in callwire.
    const cutMs = (entry.cleared!.unsentSamples + entry.cleared!.unplayedSamples) / 8;
    expect(cutMs).toBeGreaterThan(1900);
    expect(cutMs).toBeLessThan(2250);
    expect(entry.cleared!.unplayedSamples / 8).toBeGreaterThan(0);
    expect(entry.cleared!.unplayedSamples / 8).toBeLessThanOrEqual(280);
    await client.close();
  });
});
