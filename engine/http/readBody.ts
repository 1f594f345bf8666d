import type { IncomingMessage } from 'node:http';
import { errorWithCode } from '../errors/codedError.js';

/** Chunks a body may be held in before they are folded into one. */
const MAX_HELD_CHUNKS = 8;

/** A request body larger than the route accepts. */
export class BodyTooLargeError extends errorWithCode('CW_BODY_TOO_LARGE') {
  override readonly name = 'BodyTooLargeError';
}

/** A request body that did not arrive in time; the connection has been closed. */
export class BodyTimeoutError extends errorWithCode('CW_BODY_TIMEOUT') {
  override readonly name = 'BodyTimeoutError';
}

/**
 * Reads a request body, exactly as sent, up to `limitBytes`. A larger body (by `content-length` or
 * as it streams in) rejects with {@link BodyTooLargeError} without buffering the rest. With
 * `timeoutMs`, a body still incomplete at the deadline rejects with {@link BodyTimeoutError} and the
 * connection is dropped; the engine's routes pass none, as `BodiesInFlight` holds every body to
 * its deadline with one sweep instead of a timer each.
 */
export function readBody(request: IncomingMessage, limitBytes: number, timeoutMs?: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    return Promise.reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limitBytes}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            request.removeAllListeners('data');
            reject(new BodyTimeoutError(`body not complete within ${timeoutMs} ms`));
            request.destroy();
          }, timeoutMs);
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        clearTimeout(timer);
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError(`body exceeds ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
      // A body that trickles in arrives as many tiny chunks, each its own buffer: fold them into one
      // exact-size buffer (not a slice of the shared pool, which it would keep alive) as they pile up.
      if (chunks.length >= MAX_HELD_CHUNKS) {
        const folded = Buffer.allocUnsafeSlow(size);
        let offset = 0;
        for (const held of chunks) offset += held.copy(folded, offset);
        chunks.length = 0;
        chunks.push(folded);
      }
    });
    request.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size));
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once('close', () => clearTimeout(timer));
  });
}
