import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './readBody.js';

function request(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

describe('readBody', () => {
  it('returns the body exactly as sent, however it was cut into chunks', async () => {
    const body = Buffer.from(JSON.stringify({ data: { event_type: 'call.initiated', payload: 'x'.repeat(300) } }));
    const req = request();
    const read = readBody(req, 64 * 1024, 10_000);
    for (let i = 0; i < body.length; i += 7) req.write(body.subarray(i, i + 7));
    req.end();
    expect((await read).equals(body)).toBe(true);
  });

  it('refuses a declared length over the limit without reading it', async () => {
    await expect(readBody(request({ 'content-length': '70000' }), 64 * 1024, 10_000)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('refuses a body that grows past the limit as it streams', async () => {
    const req = request();
    const read = readBody(req, 100, 10_000);
    req.write(Buffer.alloc(60));
    req.write(Buffer.alloc(60));
    await expect(read).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('gives up on a body that has not arrived within the deadline, and drops the request', async () => {
    const req = request();
    const startedAt = performance.now();
    const read = readBody(req, 1000, 50);
    req.write('{');
    await expect(read).rejects.toBeInstanceOf(BodyTimeoutError);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(req.destroyed).toBe(true);
  });
});
