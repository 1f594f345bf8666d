/**
 * Finds the largest WebSocket message an engine accepts on a media stream, by asking it: a frame
 * the engine takes is followed by a ping it answers; a frame over its limit makes it close the
 * socket (1009) before the ping is read. A binary search over sizes takes about 20 short streams.
 */
import { WebSocket } from 'ws';
import { AddressRotation, TARGET_HOST } from './attackOptions.js';
import { attackCall, paddedMediaFrameText, startFrameText } from './floodFrames.js';
import { connectedFrame } from '../telnyx/mediaFrames.js';

/** Sizes probed: from a small Telnyx frame's size up to 1 MiB (anything larger counts as 1 MiB). */
const SMALLEST_PROBE_BYTES = 1024;
const LARGEST_PROBE_BYTES = 1024 * 1024;
/** A probe the engine neither answers nor closes within this long counts as refused. */
const PROBE_TIMEOUT_MS = 10_000;

/** Sends one padded media frame of `frameBytes` on a started stream; true when the engine took it. */
async function engineAccepts(port: number, serviceHost: string, frameBytes: number, localAddress: string): Promise<boolean> {
  const ws = new WebSocket(`ws://${TARGET_HOST}:${port}/ws/telnyx?serviceHost=${encodeURIComponent(serviceHost)}`, {
    localAddress,
    perMessageDeflate: false,
    handshakeTimeout: PROBE_TIMEOUT_MS,
  });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      const settle = (accepted: boolean): void => {
        clearTimeout(timer);
        resolve(accepted);
      };
      ws.once('open', () => {
        const call = attackCall(frameBytes);
        ws.send(connectedFrame());
        ws.send(startFrameText(call));
        ws.send(paddedMediaFrameText(call, frameBytes));
        ws.ping();
      });
      ws.once('pong', () => settle(true));
      ws.once('close', () => settle(false));
      ws.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`the engine refused the probe stream with HTTP ${response.statusCode ?? 0}`));
      });
      // `on`, not `once`: terminating a socket that is still connecting emits a second error.
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    ws.terminate();
  }
}

/**
 * The largest padded media frame (in bytes) the engine on `port` accepts on a stream of
 * `serviceHost`, at most 1 MiB.
 *
 * @throws Error when the engine refuses even a 1 KiB frame, or refuses the probe streams.
 */
export async function largestAcceptedFrame(port: number, serviceHost: string, sourceAddresses: readonly string[] = []): Promise<number> {
  const sources = new AddressRotation(sourceAddresses);
  if (await engineAccepts(port, serviceHost, LARGEST_PROBE_BYTES, sources.next())) return LARGEST_PROBE_BYTES;
  if (!(await engineAccepts(port, serviceHost, SMALLEST_PROBE_BYTES, sources.next()))) {
    throw new Error(`the engine accepts no media frame of ${SMALLEST_PROBE_BYTES} bytes`);
  }
  let accepted = SMALLEST_PROBE_BYTES;
  let refused = LARGEST_PROBE_BYTES;
  while (refused - accepted > 1) {
    const middle = Math.floor((accepted + refused) / 2);
    if (await engineAccepts(port, serviceHost, middle, sources.next())) accepted = middle;
    else refused = middle;
  }
  return accepted;
}
