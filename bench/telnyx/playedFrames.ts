import { mulawDecodeInto } from '../../codecs/pcmu.js';
import type { ReceivedMedia } from './mediaClient.js';

/** The engine's PCMU audio as Telnyx plays it: 20 ms frames, decoded, and when each starts playing. */
export interface PlayedFrames {
  readonly frames: Int16Array[];
  /** Start of each frame's playout, in ms on the caller's clock. */
  readonly playedAtMs: number[];
}

/**
 * Splits what the engine sent into 8 kHz PCMU frames and times them by Telnyx's playout: a message
 * plays after everything before it, its frames one after another.
 */
export function playedPcmuFrames(media: readonly ReceivedMedia[]): PlayedFrames {
  const frames: Int16Array[] = [];
  const playedAtMs: number[] = [];
  let playedUntil = 0;
  for (const message of media) {
    let start = Math.max(message.at, playedUntil);
    for (let offset = 0; offset + 160 <= message.payload.length; offset += 160) {
      const pcm = new Int16Array(160);
      mulawDecodeInto(message.payload.subarray(offset, offset + 160), 160, pcm);
      frames.push(pcm);
      playedAtMs.push(start);
      start += 20;
    }
    playedUntil = start;
  }
  return { frames, playedAtMs };
}
