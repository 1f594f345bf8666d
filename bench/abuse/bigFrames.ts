import { checkRange, type AttackBaseOptions } from './attackOptions.js';
import type { AttackReport } from './attackTally.js';
import { attackCall, paddedMediaFrameText, startFrameText } from './floodFrames.js';
import { largestAcceptedFrame } from './largestFrame.js';
import { runWebSocketFlood, type WebSocketFloodExtra } from './webSocketFlood.js';
import { connectedFrame } from '../telnyx/mediaFrames.js';

/** Options of {@link bigFrames}. */
export interface BigFramesOptions extends AttackBaseOptions {
  /** Agent of the streams; default `echo.default`. */
  readonly serviceHost?: string | undefined;
  /**
   * Bytes of every frame, or `largest` (default): the largest the engine accepts, found by asking
   * it first ({@link largestAcceptedFrame}).
   */
  readonly frameBytes?: number | 'largest' | undefined;
}

/**
 * `big-frames`: a few streams that did everything right (`connected`, `start`) and then send
 * valid `media` frames padded to `frameBytes`, as fast as the socket drains, reconnecting at once
 * if the engine closes them. Every frame is one the engine accepts and must parse in full.
 */
export async function bigFrames(options: BigFramesOptions, signal?: AbortSignal): Promise<AttackReport<WebSocketFloodExtra>> {
  const serviceHost = options.serviceHost ?? 'echo.default';
  const requested = options.frameBytes ?? 'largest';
  const frameBytes = requested === 'largest' ? await largestAcceptedFrame(options.port, serviceHost, options.sourceAddresses) : requested;
  checkRange('frameBytes', frameBytes, 512, 16 * 1024 * 1024);
  return runWebSocketFlood(
    options,
    {
      attack: 'big-frames',
      serviceHost,
      opening: (slot) => [connectedFrame(), startFrameText(attackCall(slot))],
      frames: (slot) => {
        const frame = Buffer.from(paddedMediaFrameText(attackCall(slot), frameBytes));
        return () => frame;
      },
    },
    signal,
  );
}
