import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { RawWebSocket, fixedMask, maskedTextFrame, unmaskFrame } from './rawWebSocket.js';

interface Recorded {
  texts: string[];
  opened: boolean;
  closed: Promise<number>;
  client: RawWebSocket;
}

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function serve(onConnection: (ws: WebSocket) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', onConnection);
  await new Promise<void>((resolve) => server?.once('listening', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/telnyx?serviceHost=echo.default`;
}

function open(url: string): Promise<Recorded> {
  return new Promise((resolve) => {
    let closedWith: (code: number) => void = () => undefined;
    const recorded: Recorded = { texts: [], opened: false, closed: new Promise((done) => (closedWith = done)), client: undefined as unknown as RawWebSocket };
    recorded.client = RawWebSocket.connect(url, {
      onOpen: () => {
        recorded.opened = true;
        resolve(recorded);
      },
      onText: (data, start, end) => recorded.texts.push(data.toString('utf8', start, end)),
      onClose: (code) => closedWith(code),
    });
  });
}

describe('maskedTextFrame', () => {
  it('masks with a non-zero key and unmasks back to the text, for every length form', () => {
    for (const length of [0, 5, 125, 126, 300, 70_000]) {
      const text = 'x'.repeat(length);
      const frame = maskedTextFrame(text, fixedMask(length));
      expect(frame[0]).toBe(0x81);
      expect((frame[1] ?? 0) & 0x80).toBe(0x80);
      expect(unmaskFrame(frame).toString()).toBe(text);
    }
    expect(fixedMask(-1)).not.toBe(0);
  });
});

describe('RawWebSocket against a ws server', () => {
  it('shakes hands, sends prebuilt frames that arrive as sent, and reads text of any size, fragmented or not', async () => {
    const received: string[] = [];
    const url = await serve((ws) => {
      ws.on('message', (data) => {
        received.push(String(data));
        if (received.length === 2) {
          ws.send('{"event":"media","media":{"payload":"AAAA"}}');
          ws.send('y'.repeat(100_000));
          ws.send('frag', { fin: false });
          ws.send('mented', { fin: true });
        }
      });
    });
    const call = await open(url);
    expect(call.opened).toBe(true);
    call.client.write(maskedTextFrame('{"event":"connected","version":"1.0.0"}', fixedMask(1)));
    call.client.sendText('second');
    await expect.poll(() => call.texts.length).toBe(3);
    expect(received).toEqual(['{"event":"connected","version":"1.0.0"}', 'second']);
    expect(call.texts).toEqual(['{"event":"media","media":{"payload":"AAAA"}}', 'y'.repeat(100_000), 'fragmented']);
    call.client.close(1000);
    expect(await call.closed).toBe(1000);
  });

  it('reports the server’s close code, and 1006 when it cuts the connection itself', async () => {
    let serverSide: Promise<number> = Promise.resolve(0);
    const url = await serve((ws) => {
      serverSide = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
      ws.on('message', (data) => {
        if (String(data) === 'bye') ws.close(4001, 'done');
      });
    });
    const first = await open(url);
    first.client.sendText('bye');
    expect(await first.closed).toBe(4001);
    expect(await serverSide).toBe(4001);

    const second = await open(url);
    second.client.destroy();
    expect(await second.closed).toBe(1006);
    expect(await serverSide).toBe(1006);
  });

  it('answers pings', async () => {
    let ponged: Promise<string> = Promise.resolve('');
    const url = await serve((ws) => {
      ponged = new Promise((resolve) => ws.once('pong', (data) => resolve(String(data))));
      ws.ping('are-you-there');
    });
    const call = await open(url);
    expect(await ponged).toBe('are-you-there');
    call.client.destroy();
  });

  it('closes with 1006 when the server refuses the upgrade', async () => {
    const url = await serve(() => undefined);
    const refused = new URL(url);
    refused.port = '1'; // nothing listens there
    const closed = await new Promise<number>((resolve) => RawWebSocket.connect(refused, { onOpen: () => undefined, onText: () => undefined, onClose: resolve }));
    expect(closed).toBe(1006);
  });
});
