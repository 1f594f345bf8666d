/**
 * TCP connections against the real server: silent ones cannot take every descriptor, starve
 * /healthz or outlive a short deadline, and a webhook body trickled in is cut off.
 */
import { generateKeyPairSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/logger.js';
import { startTestEngine } from '../support/engine.js';
import { until } from '../support/faultKit.js';
import { LogLines } from '../support/telnyxEngine.js';

const logs = new LogLines();
const webhookKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine([], {
    log: createLogger('info', logs.stream),
    server: {
      connections: { maxConnections: 40, maxIdlePerAddress: 1000, idleTimeoutMs: 800 },
      httpTimeouts: { headersTimeoutMs: 800, webhookBodyTimeoutMs: 600 },
      requestBodies: { maxInFlightPerAddress: 2 },
      telnyx: { publicKey: webhookKey.subarray(webhookKey.length - 32).toString('base64') },
    },
  });
});

afterAll(async () => {
  await engine.close();
});

/** Opens a TCP connection that sends nothing; resolves once connected, with a promise of its close. */
async function silentSocket(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(engine.port, '127.0.0.1');
  socket.on('error', () => undefined);
  // Reading is how a client learns the server closed (a paused socket never sees the end).
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${engine.port}${path}`);
  return { status: response.status, text: await response.text() };
}

describe('silent connections', () => {
  it('cannot fill the connection cap: each new connection pushes out the one idle the longest, and /healthz answers', async () => {
    const silent = [];
    for (let i = 0; i < 100; i++) silent.push(await silentSocket());
    await until(() => engine.connections.open <= 41, 'the cap to hold');
    expect((await get('/healthz')).status).toBe(200);
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(/callwire_connections_closed_total\{cause="evicted_idle"\} \d+/);
    for (const { socket } of silent) socket.destroy();
    await until(() => engine.connections.open <= 1, 'the silent sockets to go');
  });

  it('are closed once idle past the deadline', async () => {
    const { closed } = await silentSocket();
    await closed;
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(/callwire_connections_closed_total\{cause="idle_timeout"\} [1-9]/);
  });
});

describe('refused upgrades', () => {
  it('survive a peer that resets while the engine answers it', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const resets = [];
      for (let i = 0; i < 50; i++) {
        const socket = connect(engine.port, '127.0.0.1');
        socket.on('error', () => undefined);
        resets.push(
          new Promise<void>((resolve) => {
            socket.once('connect', () => {
              socket.write('GET /not-a-stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
              socket.resetAndDestroy();
            });
            socket.once('close', () => resolve());
          }),
        );
      }
      await Promise.all(resets);
      await until(() => engine.connections.open === 0, 'the refused upgrades to close');
      expect((await get('/healthz')).status).toBe(200);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

/** A webhook's head whose signature headers pass every check the headers alone allow. */
function plausibleWebhookHead(contentLength: number): string {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = Buffer.alloc(64, 1).toString('base64');
  return `POST /webhooks/telnyx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\ntelnyx-timestamp: ${timestamp}\r\ntelnyx-signature-ed25519: ${signature}\r\n\r\n`;
}

/** Connects and sends `head`; resolves once sent, with everything read back and a promise of the close. */
async function sendHead(head: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { socket, closed } = await silentSocket();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(head);
  return { socket, received: () => received, closed };
}

describe('webhook bodies', () => {
  it('drops a connection whose body trickles in past the body deadline, logging no failure', async () => {
    const { socket, closed } = await sendHead(`${plausibleWebhookHead(1000)}{`);
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    await closed;
    clearInterval(trickle);
    expect(logs.withMessage('http request failed')).toEqual([]);
  });

  it('answers 401 to a webhook without signature headers at once, without waiting for its body', async () => {
    const { received, closed } = await sendHead('POST /webhooks/telnyx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{');
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('cuts off, unanswered, a body from an address that already has its share in flight', async () => {
    const first = await sendHead(plausibleWebhookHead(1000));
    const second = await sendHead(plausibleWebhookHead(1000));
    await until(() => engine.connections.idle === 0 && engine.connections.open === 2, 'both bodies to be in flight');
    const third = await sendHead(plausibleWebhookHead(1000));
    await third.closed;
    expect(third.received()).toBe('');
    expect(engine.connections.open).toBe(2);
    first.socket.destroy();
    second.socket.destroy();
    await until(() => engine.connections.open === 0, 'the connections to close');
  });

  it('logs no failure when a client gives up mid-body', async () => {
    const socket = connect(engine.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`${plausibleWebhookHead(1000)}{"data":`);
    await until(() => engine.connections.idle === 0 && engine.connections.open === 1, 'the request to start');
    socket.destroy();
    await until(() => engine.connections.open === 0, 'the connection to close');
    expect(logs.withMessage('http request failed')).toEqual([]);
  });
});
