import { checkRange, type AttackBaseOptions } from './attackOptions.js';
import type { AttackReport } from './attackTally.js';
import { DistinctFrames, errorFrameText } from './floodFrames.js';
import { MAX_SENDS_IN_FLIGHT, runWebSocketFlood, type WebSocketFloodExtra } from './webSocketFlood.js';

/** Options of {@link errorFlood}. */
export interface ErrorFloodOptions extends AttackBaseOptions {
  /** `count`: sockets kept open (default in the bench: 30). */
  readonly count: number;
  /** Agent the sockets connect to; default `echo.default`. */
  readonly serviceHost?: string | undefined;
  /** Bytes of each frame's `detail`; default 60 KB (61,440). */
  readonly detailBytes?: number | undefined;
  /** Give every frame a different detail (defeats deduplication of identical lines); default false. */
  readonly distinctDetails?: boolean | undefined;
}

/** Default `detail` size: 60 KB, just under the engine's default 64 KiB message limit. */
export const DEFAULT_FLOOD_TEXT_BYTES = 60 * 1024;

/**
 * `error-flood`: `count` sockets with no credentials, each sending Telnyx `error` frames with a
 * large `detail` as fast as the socket drains, never `connected` or `start`, reconnecting at once
 * whenever the engine closes one. An engine that logs every error's detail writes it to its log.
 *
 * @example
 * ```ts
 * const report = await errorFlood({ port, count: 30, durationMs: 120_000, sourceAddresses: loopbackAddresses(64) });
 * report.messagesSent; // error frames the engine had to read
 * ```
 */
export function errorFlood(options: ErrorFloodOptions, signal?: AbortSignal): Promise<AttackReport<WebSocketFloodExtra>> {
  const detailBytes = options.detailBytes ?? DEFAULT_FLOOD_TEXT_BYTES;
  checkRange('detailBytes', detailBytes, 1, 16 * 1024 * 1024);
  return runWebSocketFlood(
    options,
    {
      attack: 'error-flood',
      serviceHost: options.serviceHost ?? 'echo.default',
      opening: () => [],
      frames: (slot) => {
        if (options.distinctDetails === true) {
          const distinct = new DistinctFrames((counter) => errorFrameText(detailBytes, counter), MAX_SENDS_IN_FLIGHT + 1, slot * 1e12);
          return () => distinct.next();
        }
        const frame = Buffer.from(errorFrameText(detailBytes));
        return () => frame;
      },
    },
    signal,
  );
}
