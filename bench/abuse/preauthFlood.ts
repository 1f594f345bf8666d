import { checkRange, type AttackBaseOptions } from './attackOptions.js';
import type { AttackReport } from './attackTally.js';
import { DEFAULT_FLOOD_TEXT_BYTES } from './errorFlood.js';
import { attackCall, errorFrameText, plainMediaFrameText, startFrameText } from './floodFrames.js';
import { runWebSocketFlood, type WebSocketFloodExtra } from './webSocketFlood.js';

/** Frames a {@link preauthFlood} socket can send. */
export type PreauthFrameKind = 'media' | 'start' | 'error';

/** Options of {@link preauthFlood}. */
export interface PreauthFloodOptions extends AttackBaseOptions {
  /** An agent that has a `streamAuthToken`, e.g. `guarded.default`. */
  readonly serviceHost: string;
  /**
   * The frames each socket sends, in this order, over and over; default `['error', 'media']`.
   * Adding `start` gets most engines to close the socket at once (it reconnects).
   */
  readonly frames?: readonly PreauthFrameKind[] | undefined;
  /** Bytes of each `error` frame's `detail`; default 60 KB. */
  readonly detailBytes?: number | undefined;
}

/**
 * `preauth-flood`: sockets to an agent that requires a stream auth token, which never send
 * `connected` (so never present the token) but send media, start or error frames as fast as the
 * socket drains, and reconnect at once when the engine closes them. An engine should spend next to
 * nothing on a stream that has not authenticated.
 */
export function preauthFlood(options: PreauthFloodOptions, signal?: AbortSignal): Promise<AttackReport<WebSocketFloodExtra>> {
  const kinds = options.frames ?? ['error', 'media'];
  if (kinds.length === 0) throw new RangeError('preauth-flood needs at least one frame kind');
  const detailBytes = options.detailBytes ?? DEFAULT_FLOOD_TEXT_BYTES;
  checkRange('detailBytes', detailBytes, 1, 16 * 1024 * 1024);
  return runWebSocketFlood(
    options,
    {
      attack: 'preauth-flood',
      serviceHost: options.serviceHost,
      opening: () => [],
      frames: (slot) => {
        const call = attackCall(slot);
        const built: Record<PreauthFrameKind, Buffer> = {
          media: Buffer.from(plainMediaFrameText(call)),
          start: Buffer.from(startFrameText(call)),
          error: Buffer.from(errorFrameText(detailBytes)),
        };
        const cycle = kinds.map((kind) => built[kind]);
        let sent = 0;
        return () => cycle[sent++ % cycle.length] as Buffer;
      },
    },
    signal,
  );
}
