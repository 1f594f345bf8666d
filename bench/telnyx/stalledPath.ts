import { defineBot } from '../../bots/defineBot.js';
import { TelnyxMediaClient } from './mediaClient.js';

/** A bot with its answer ready at once, like a prompt, a TTS or an AI reply: 4 s of tone. */
export const readyAnswerBot = defineBot({
  name: 'ready-answer',
  create: ({ output }) => {
    output.play(new Int16Array(output.sampleRate * 4).map((_, i) => Math.round(Math.sin(i / 3) * 8000)));
    return {};
  },
});

/**
 * Calls `streamUrl` (an agent running {@link readyAnswerBot}), lets a second of the answer arrive,
 * stops reading for `stallMs` as a stalled path from the engine would, and returns the gaps the
 * caller would hear by Telnyx's playout, in ms.
 */
export async function gapsAfterStall(streamUrl: string, stallMs: number): Promise<readonly number[]> {
  const client = await TelnyxMediaClient.connect(streamUrl);
  client.begin();
  await client.waitFor(() => client.receivedMs >= 1000, 5_000, 'a second of the answer');
  await client.stallReading(stallMs);
  await client.waitFor(() => client.receivedMs >= 3000, 5_000, 'three seconds of the answer');
  client.sendStop();
  await client.closed;
  return client.playoutGaps();
}
