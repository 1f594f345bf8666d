import { OutboundQueue } from '../codecs/outboundQueue.js';
import { defineBot } from './defineBot.js';

/** Options of the echo bot. */
export interface EchoOptions {
  /** How long after hearing a frame the bot plays it back. */
  readonly delayMs: number;
}

const MAX_DELAY_MS = 5_000;
const MAX_FRAME_SAMPLES = 4_096;

function parseEchoOptions(raw: Readonly<Record<string, unknown>>): EchoOptions {
  const delayMs = raw['delayMs'] ?? 200;
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new RangeError(`echo: delayMs must be a number from 0 to ${MAX_DELAY_MS}`);
  }
  return { delayMs };
}

/**
 * Plays the caller's voice back about `delayMs` (default 200) later: every frame heard goes into a
 * delay line, and once the line holds `delayMs` of audio each new frame pushes the oldest one out.
 */
export const echoBot = defineBot<EchoOptions>({
  name: 'echo',
  parseOptions: parseEchoOptions,
  create: ({ output, options }) => {
    const delaySamples = Math.round((output.sampleRate * options.delayMs) / 1000);
    const line = new OutboundQueue({ initialSamples: delaySamples + MAX_FRAME_SAMPLES, maxSamples: delaySamples + MAX_FRAME_SAMPLES });
    const scratch = new Int16Array(MAX_FRAME_SAMPLES);
    return {
      audio(frame) {
        line.write(frame.samples, 0, frame.sampleCount);
        const ready = line.queuedSamples - delaySamples;
        if (ready <= 0) return;
        const count = line.read(scratch, ready);
        output.play(scratch, 0, count);
      },
    };
  },
});
