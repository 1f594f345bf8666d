import { checkRange, type AttackBaseOptions } from './attackOptions.js';
import type { AttackReport } from './attackTally.js';
import { DEFAULT_FLOOD_TEXT_BYTES } from './errorFlood.js';
import { DistinctFrames, unknownFrameText } from './floodFrames.js';
import { MAX_SENDS_IN_FLIGHT, runWebSocketFlood, type WebSocketFloodExtra } from './webSocketFlood.js';

/** Options of {@link unknownFlood}. */
export interface UnknownFloodOptions extends AttackBaseOptions {
  /** Agent the sockets connect to; default `echo.default`. */
  readonly serviceHost?: string | undefined;
  /** Bytes of each event name; default 60 KB (61,440). */
  readonly nameBytes?: number | undefined;
}

/**
 * `unknown-flood`: like {@link errorFlood}, but every frame is `{"event":"<name>"}` with a name
 * never sent before (a counter, padded to `nameBytes`): an engine that remembers which unknown
 * events it already logged remembers every one of them.
 */
export function unknownFlood(options: UnknownFloodOptions, signal?: AbortSignal): Promise<AttackReport<WebSocketFloodExtra>> {
  const nameBytes = options.nameBytes ?? DEFAULT_FLOOD_TEXT_BYTES;
  checkRange('nameBytes', nameBytes, 12, 16 * 1024 * 1024);
  return runWebSocketFlood(
    options,
    {
      attack: 'unknown-flood',
      serviceHost: options.serviceHost ?? 'echo.default',
      opening: () => [],
      frames: (slot) => {
        // Each slot counts in its own range, so names are distinct across sockets and reconnections.
        const distinct = new DistinctFrames((counter) => unknownFrameText(nameBytes, counter), MAX_SENDS_IN_FLIGHT + 1, slot * 1e12);
        return () => distinct.next();
      },
    },
    signal,
  );
}
