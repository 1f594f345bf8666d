/**
 * Three things a caller or a bot would notice, checked from Telnyx's side against the real engine
 * on 127.0.0.1: key presses that arrive out of order or twice, a 6 kHz tone on a 16 kHz L16 call,
 * and an L16 call whose bytes come in the other order. The bots report what they heard through
 * `mark` frames, which the simulated Telnyx sees like any other.
 *
 * Run: `npx tsx bench/telnyx/callerSideChecks.ts` (about 10 s).
 */
import { defineBot } from '../../bots/defineBot.js';
import { L16Decoder, L16Encoder } from '../../codecs/l16.js';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';
import { buildAgent } from '../../engine/agent.js';
import { startBenchEngine } from './benchEngine.js';
import { loadSpeech } from '../fixtures/fixtureAudio.js';
import { locateEchoedFrames } from './echoDelayTrack.js';
import { dtmfFrame, mediaFrame } from './mediaFrames.js';
import { TelnyxMediaClient } from './mediaClient.js';
import { playedPcmuFrames } from './playedFrames.js';

/** Mirrors every frame at once and marks each key press it is told of as `key-<digit>`. */
const keyMirrorBot = defineBot({
  name: 'key-mirror',
  create: ({ output }) => ({
    audio: (frame) => void output.play(frame.samples, 0, frame.sampleCount),
    dtmf: (digit) => output.mark(`key-${digit}`),
  }),
});

/** Mirrors every frame, and marks the level of what it heard each second as `level-<dBFS>`. */
const levelBot = defineBot({
  name: 'level',
  create: ({ output }) => {
    let sum = 0;
    let count = 0;
    return {
      audio: (frame) => {
        output.play(frame.samples, 0, frame.sampleCount);
        for (let i = 0; i < frame.sampleCount; i++) sum += frame.samples[i]! * frame.samples[i]!;
        count += frame.sampleCount;
        if (count >= output.sampleRate) {
          output.mark(`level-${(10 * Math.log10(sum / count / 32768 ** 2)).toFixed(1)}`);
          sum = 0;
          count = 0;
        }
      },
    };
  },
});

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const markNames = (client: TelnyxMediaClient): string[] =>
  client.frames.filter((frame) => frame['event'] === 'mark').map((frame) => String((frame['mark'] as { name: string }).name));

/** Key presses 1–4, numbered in that order, arrive as 2, 1, 4, 3, 3 between speech frames. */
async function keysOutOfOrder(url: string): Promise<{ heard: string; sounding: number; unplaced: number }> {
  const client = await TelnyxMediaClient.connect(url);
  client.begin();
  const speech = loadSpeech('demo-moreinfo', 8000);
  const frames = 150;
  const sent = new Int16Array(frames * 160);
  let sequence = 2;
  const keySequence = new Map<string, number>();
  const begin = performance.now();
  const arrival = ['2', '1', '4', '3', '3'];
  for (let f = 0; f < frames; f++) {
    if (f === 50) for (const digit of ['1', '2', '3', '4']) keySequence.set(digit, sequence++);
    if (f >= 50 && f < 55) client.sendRaw(dtmfFrame(client.call, keySequence.get(arrival[f - 50]!)!, arrival[f - 50]!));
    const pcm = speech.subarray(f * 160, f * 160 + 160);
    sent.set(pcm, f * 160);
    const bytes = new Uint8Array(160);
    mulawEncodeInto(pcm, 0, 160, bytes);
    mulawDecodeInto(bytes, 160, sent.subarray(f * 160));
    client.sendRaw(mediaFrame(client.call, sequence++, f + 1, f * 160, bytes));
    const next = begin + (f + 1) * 20 - performance.now();
    if (next > 0) await wait(next);
  }
  await wait(500);
  client.sendStop();
  await client.closed;
  const { frames: returned, playedAtMs } = playedPcmuFrames(client.media);
  const loud = returned.filter((frame) => frame.some((sample) => Math.abs(sample) >= 200)).length;
  const placed = locateEchoedFrames(sent, returned, playedAtMs, { frameSamples: 160 }).length;
  const heard = markNames(client).filter((name) => name.startsWith('key-')).map((name) => name.slice(4)).join('');
  return { heard, sounding: loud, unplaced: loud - placed };
}

/** RMS of `samples[from, to)` in dBFS. */
function levelDbfs(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / (to - from) / 32768 ** 2);
}

/** Streams `pcm` (16 kHz) as L16 in `byteOrder`; returns the audio sent back and the levels the bot marked. */
async function l16Call(url: string, pcm: Int16Array, byteOrder: 'big' | 'little'): Promise<{ returned: Int16Array; levels: number[] }> {
  const client = await TelnyxMediaClient.connect(url, { call: { encoding: 'L16', sampleRate: 16000 }, outboundBytesPerMs: 32 });
  client.begin();
  const encoder = new L16Encoder({ sampleRate: 16000, byteOrder });
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + 320 <= pcm.length; offset += 320) {
    const bytes = new Uint8Array(640);
    encoder.encode(pcm, offset, 320, bytes);
    frames.push(bytes);
  }
  await client.streamMedia(frames);
  await wait(500);
  client.sendStop();
  await client.closed;
  const bytes = client.receivedAudio();
  const returned = new Int16Array(bytes.length / 2);
  new L16Decoder({ sampleRate: 16000, byteOrder: 'big' }).decode(bytes, bytes.length, returned);
  const levels = markNames(client).filter((name) => name.startsWith('level-')).map((name) => Number(name.slice(6)));
  return { returned, levels };
}

const tone = new Int16Array(16000 * 2).map((_, i) => Math.round(Math.sin((2 * Math.PI * 6000 * i) / 16000) * 8000));
const speech16k = loadSpeech('vm-instructions', 16000).subarray(0, 16000 * 4);
const agents = [
  buildAgent('bench', 'keys', keyMirrorBot, 'key-mirror'),
  buildAgent('bench', 'wide', levelBot, 'level', { media: { outboundEncoding: 'inbound' } }),
  buildAgent('bench', 'narrow', levelBot, 'level', { media: { outboundEncoding: 'inbound', botSampleRate: 8000 } }),
];
const engine = await startBenchEngine(agents);
const url = engine.url;
const keys = await keysOutOfOrder(url('keys'));
const wideTone = await l16Call(url('wide'), tone, 'big');
const narrowTone = await l16Call(url('narrow'), tone, 'big');
const swapped = await l16Call(url('wide'), speech16k, 'little');
await engine.close();

const returnedToneDb = (result: { returned: Int16Array }): string => {
  const steady = result.returned.length;
  return steady < 16000 ? 'no audio' : `${levelDbfs(result.returned, steady - 16000, steady).toFixed(1)} dBFS`;
};
process.stdout.write(
  [
    'Checked from the simulated Telnyx side',
    '',
    '| check | sent | what came back |',
    '| --- | --- | --- |',
    `| key presses 1 2 3 4 arriving as 2 1 4 3 3 | digits 1234 | the bot was told "${keys.heard}"; ${keys.unplaced} of ${keys.sounding} sounding echoed frames were not the caller's audio (concealment) |`,
    `| 6 kHz tone, L16 16 kHz, agent without a bot rate | ${levelDbfs(tone).toFixed(1)} dBFS | ${returnedToneDb(wideTone)} |`,
    `| same, bot rate set to 8 kHz | ${levelDbfs(tone).toFixed(1)} dBFS | ${returnedToneDb(narrowTone)} |`,
    `| speech as little-endian L16 to an agent expecting big-endian | speech at ${levelDbfs(speech16k).toFixed(1)} dBFS | the bot heard ${swapped.levels.map((level) => level.toFixed(1)).join(', ')} dBFS per second |`,
    '',
  ].join('\n'),
);
