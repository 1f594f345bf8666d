import type { Socket } from 'node:net';

/** A request's method and target, from its first line. */
export interface RequestLine {
  readonly method: string;
  /** The target's path, without its query. */
  readonly path: string;
  /** The query, without its `?`; empty when there is none. */
  readonly query: string;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** True once `bytes` hold a whole first line. */
export function hasRequestLine(bytes: Buffer): boolean {
  return bytes.indexOf(CRLF) >= 0;
}

/** True once `bytes` hold a whole request head (the blank line after the headers). */
export function hasWholeHead(bytes: Buffer): boolean {
  return bytes.indexOf(HEAD_END) >= 0;
}

/** The request line at the start of `bytes`, or undefined when it is incomplete or not HTTP/1. */
export function parseRequestLine(bytes: Buffer): RequestLine | undefined {
  const end = bytes.indexOf(CRLF);
  if (end < 0) return undefined;
  const match = /^([A-Z]{1,16}) (\S+) HTTP\/1\.[01]$/.exec(bytes.toString('latin1', 0, end));
  if (match === null) return undefined;
  const target = match[2]!;
  const question = target.indexOf('?');
  return {
    method: match[1]!,
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? '' : target.slice(question + 1),
  };
}

/** How long and how much the primary reads of a connection before it knows where it goes. */
export interface HeadLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/**
 * Reads from `socket` until `enough(bytes)` or `maxBytes` were read, then pauses it and resolves
 * with everything read (`initial` first). Resolves undefined, with the socket destroyed, when it
 * closes or stays silent past `timeoutMs`.
 */
export function readUntil(socket: Socket, enough: (bytes: Buffer) => boolean, limits: HeadLimits, initial: Buffer = EMPTY): Promise<Buffer | undefined> {
  if (enough(initial) || initial.length >= limits.maxBytes) return Promise.resolve(initial);
  return new Promise((resolve) => {
    let received = initial;
    const finish = (result: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
      socket.pause();
      if (result === undefined) socket.destroy();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (enough(received) || received.length >= limits.maxBytes) finish(received);
    };
    const onClose = (): void => finish(undefined);
    const timer = setTimeout(onClose, limits.timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', onClose);
    socket.resume();
  });
}

/**
 * Stops reading from `socket` in this process and returns what it had already read but not
 * delivered, so the connection can move to another process with no byte lost. Node's `pause()`
 * stops the stream, not the reads below it, hence the handle's `readStop`.
 */
export function stopReading(socket: Socket): Buffer {
  socket.pause();
  const buffered: Buffer[] = [];
  for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) buffered.push(chunk);
  // After the reads above (read() may restart reading), so nothing arrives before the hand-over.
  const handle = (socket as unknown as { _handle?: { readStop?: () => number; reading?: boolean } })._handle;
  if (handle?.readStop !== undefined) {
    handle.readStop();
    handle.reading = false;
  }
  return Buffer.concat(buffered);
}

const EMPTY = Buffer.alloc(0);
