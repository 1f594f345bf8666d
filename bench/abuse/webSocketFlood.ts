/**
 * The engine of the WebSocket attacks: `count` connection slots, each opening a media stream,
 * sending its opening frames, then its flood frames as fast as the socket drains, and opening a
 * new stream at once whenever the engine closes or refuses the last one, until the deadline.
 */
import { WebSocket } from 'ws';
import { AttackDeadline, pause } from './attackDeadline.js';
import { AddressRotation, TARGET_HOST, checkBaseOptions, type AttackBaseOptions } from './attackOptions.js';
import { AttackTally, errorCode, type AttackName, type AttackReport } from './attackTally.js';

/** Most sockets one WebSocket attack may keep going. */
export const MAX_FLOOD_SOCKETS = 2_000;
/**
 * Sends a socket may have in flight. Two keep the kernel's buffer full (one drains while the next
 * is queued) without buffering anything in the attacker; {@link DistinctFrames} rings need one more.
 */
export const MAX_SENDS_IN_FLIGHT = 2;
/** Waits this long after a failed connect (no engine answered), so a dead engine is not spun against. */
const CONNECT_ERROR_BACKOFF_MS = 50;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What distinguishes one WebSocket attack from another. */
export interface WebSocketFloodPlan {
  readonly attack: AttackName;
  /** `serviceHost` of the streams, e.g. `echo.default`. */
  readonly serviceHost: string;
  /** Frames sent once when a stream opens (e.g. `connected` and `start`), for slot `slot`. */
  readonly opening: (slot: number) => readonly string[];
  /** Makes slot `slot`'s frame source; called once per slot, the source is called once per send. */
  readonly frames: (slot: number) => () => Buffer;
}

/** The attack's own figure: how large its flood frames were. */
export interface WebSocketFloodExtra {
  /** Bytes of the largest flood frame sent. */
  readonly frameBytes: number;
}

/** Masks every frame with a zero key: the server's work is the same and the attacker copies nothing. */
function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

/** Runs `plan` with `options`; resolves with what happened once every socket is closed. */
export async function runWebSocketFlood(options: AttackBaseOptions, plan: WebSocketFloodPlan, signal?: AbortSignal): Promise<AttackReport<WebSocketFloodExtra>> {
  checkBaseOptions(options, MAX_FLOOD_SOCKETS);
  const tally = options.tally ?? new AttackTally();
  tally.begin();
  const deadline = new AttackDeadline(options.durationMs, signal);
  const sources = new AddressRotation(options.sourceAddresses ?? []);
  const url = `ws://${TARGET_HOST}:${options.port}/ws/telnyx?serviceHost=${encodeURIComponent(plan.serviceHost)}`;
  const live = new Set<WebSocket>();
  const stopAll = (): void => {
    for (const ws of live) ws.terminate();
  };
  deadline.signal.addEventListener('abort', stopAll, { once: true });
  let frameBytes = 0;

  const connectOnce = (slot: number, next: () => Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      tally.attempted();
      const ws = new WebSocket(url, { localAddress: sources.next(), perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, generateMask: zeroMask });
      live.add(ws);
      let opened = false;
      let answered = false;
      let inFlight = 0;
      const pump = (): void => {
        while (inFlight < MAX_SENDS_IN_FLIGHT && ws.readyState === WebSocket.OPEN && !deadline.stopped) {
          const frame = next();
          if (frame.length > frameBytes) frameBytes = frame.length;
          inFlight++;
          ws.send(frame, { binary: false }, (error) => {
            inFlight--;
            if (error === undefined || error === null) tally.sent(frame.length);
            // Yield to the event loop between sends: a kernel buffer that always has room would
            // otherwise keep this chain of callbacks running and starve the deadline's timer.
            if (ws.readyState === WebSocket.OPEN) setImmediate(pump);
          });
        }
      };
      ws.once('open', () => {
        opened = true;
        tally.opened();
        for (const text of plan.opening(slot)) ws.send(text, (error) => error === undefined || error === null ? tally.sent(Buffer.byteLength(text)) : undefined);
        pump();
      });
      ws.once('unexpected-response', (_request, response) => {
        answered = true;
        tally.refused(response.statusCode ?? 0);
        response.resume();
        ws.terminate();
      });
      ws.on('error', (error) => {
        // Terminating a handshake at the deadline is ours, not a failure.
        if (!opened && !answered && !deadline.stopped) tally.failed(errorCode(error));
      });
      ws.once('close', (code) => {
        live.delete(ws);
        if (opened) tally.ended(deadline.stopped ? undefined : String(code));
        resolve(opened || answered);
      });
    });

  const slot = async (index: number): Promise<void> => {
    const next = plan.frames(index);
    while (!deadline.stopped) {
      const engineAnswered = await connectOnce(index, next);
      if (!engineAnswered) await pause(CONNECT_ERROR_BACKOFF_MS, deadline.signal);
    }
  };
  await Promise.all(Array.from({ length: options.count }, (_, index) => slot(index)));
  deadline.stop();
  return tally.report(plan.attack, { frameBytes });
}
