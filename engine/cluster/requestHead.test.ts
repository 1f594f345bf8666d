import { createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hasRequestLine, hasWholeHead, parseRequestLine, readUntil, stopReading } from './requestHead.js';

describe('parseRequestLine', () => {
  it('reads method, path and query', () => {
    expect(parseRequestLine(Buffer.from('GET /stats?reset=loop HTTP/1.1\r\nhost: x\r\n'))).toEqual({ method: 'GET', path: '/stats', query: 'reset=loop' });
    expect(parseRequestLine(Buffer.from('POST /webhooks/telnyx HTTP/1.0\r\n'))).toEqual({ method: 'POST', path: '/webhooks/telnyx', query: '' });
  });

  it('is undefined for an incomplete or non-HTTP/1 first line', () => {
    expect(parseRequestLine(Buffer.from('GET /healthz HTTP/1.1'))).toBeUndefined();
    expect(parseRequestLine(Buffer.from('PRI * HTTP/2.0\r\n'))).toBeUndefined();
    expect(parseRequestLine(Buffer.from('\x16\x03\x01garbage\r\n'))).toBeUndefined();
  });

  it('knows a whole line and a whole head', () => {
    expect(hasRequestLine(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(true);
    expect(hasWholeHead(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n'))).toBe(false);
    expect(hasWholeHead(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'))).toBe(true);
  });
});

/** A connected pair of sockets on 127.0.0.1. */
async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = createConnection(port, '127.0.0.1');
  const server = await accepted;
  return { server, client, close: () => { client.destroy(); server.destroy(); listener.close(); } };
}

describe('readUntil and stopReading', () => {
  it('gathers chunks until the line is whole, and loses no byte that came after it', async () => {
    const { server, client, close } = await socketPair();
    try {
      const reading = readUntil(server, hasRequestLine, { timeoutMs: 10_000, maxBytes: 8192 });
      client.write('GET /ws/tel');
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.write('nyx HTTP/1.1\r\nhost: a\r\n');
      const first = await reading;
      expect(first?.toString()).toContain('GET /ws/telnyx HTTP/1.1\r\n');
      client.write('upgrade: websocket\r\n\r\n');
      // Paused, the socket still reads: wait for those bytes to sit in its buffer.
      while (server.readableLength < 'upgrade: websocket\r\n\r\n'.length) await new Promise((resolve) => setTimeout(resolve, 5));
      const rest = stopReading(server);
      expect(Buffer.concat([first!, rest]).toString()).toBe('GET /ws/telnyx HTTP/1.1\r\nhost: a\r\nupgrade: websocket\r\n\r\n');
    } finally {
      close();
    }
  });

  it('gives up on a silent connection and destroys it', async () => {
    const { server, close } = await socketPair();
    try {
      expect(await readUntil(server, hasRequestLine, { timeoutMs: 30, maxBytes: 8192 })).toBeUndefined();
      expect(server.destroyed).toBe(true);
    } finally {
      close();
    }
  });

  it('stops at maxBytes when no line ends', async () => {
    const { server, client, close } = await socketPair();
    try {
      const reading = readUntil(server, hasRequestLine, { timeoutMs: 10_000, maxBytes: 64 });
      client.write('x'.repeat(100));
      expect((await reading)?.length).toBeGreaterThanOrEqual(64);
    } finally {
      close();
    }
  });
});
