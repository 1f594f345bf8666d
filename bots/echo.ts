import { defineBot } from './defineBot.js';

/** Options of the echo bot. */
export interface EchoOptions {
  /** How long after hearing a frame the bot plays it back. */
  readonly delayMs: number;
}

const MAX_DELAY_MS = 5_000;

function parseEchoOptions(raw: Readonly<Record<string, unknown>>): EchoOptions {
  const delayMs = raw['delayMs'] ?? 200;
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new RangeError(`echo: delayMs must be a number from 0 to ${MAX_DELAY_MS}`);
  }
  return { delayMs };
}

/**
 * Plays the caller's voice back about `delayMs` (default 200) later: every frame heard is played at
 * once, and each talk spurt is held until `delayMs` of audio is queued, so callwire's outbound queue
 * and Telnyx's buffer are the delay line. Audio that far ahead of real time goes out several frames
 * per message, instead of one message per frame as from a delay line in the bot.
 */
export const echoBot = defineBot<EchoOptions>({
  name: 'echo',
  parseOptions: parseEchoOptions,
  create: ({ output, options }) => {
    output.setPrebufferMs(options.delayMs);
    return {
      audio(frame) {
        output.play(frame.samples, 0, frame.sampleCount);
      },
    };
  },
});
