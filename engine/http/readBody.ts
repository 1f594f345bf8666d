import type { IncomingMessage } from 'node:http';

/** A request body larger than the route accepts. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'CW_BODY_TOO_LARGE';
}

/**
 * Reads a request body, exactly as sent, up to `limitBytes`. A larger body (by `content-length` or
 * as it streams in) rejects with {@link BodyTooLargeError} without buffering the rest.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    return Promise.reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limitBytes}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError(`body exceeds ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}
