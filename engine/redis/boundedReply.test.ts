import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { replyWithin } from './boundedReply.js';

/** A connected pair of sockets on 127.0.0.1. */
async function socketPair(): Promise<{ readonly near: Socket; readonly far: Socket; close(): void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const accepted = once(server, 'connection');
  const near = connect(address.port, '127.0.0.1');
  await once(near, 'connect');
  const [far] = (await accepted) as [Socket];
  return {
    near,
    far,
    close: () => {
      near.destroy();
      far.destroy();
      server.close();
    },
  };
}

describe('replyWithin', () => {
  it('gives the value of a reply in time', async () => {
    const failures: Error[] = [];
    expect(await replyWithin(Promise.resolve(7), 1_000, (error) => failures.push(error))).toEqual({ answered: true, value: 7 });
    expect(failures).toEqual([]);
  });

  it('reports a reply that never comes once, after the deadline', async () => {
    const failures: Error[] = [];
    expect(await replyWithin(new Promise<number>(() => undefined), 20, (error) => failures.push(error))).toEqual({ answered: false });
    expect(failures.map((error) => error.message)).toEqual(['no answer within 20 ms']);
  });

  it('reports a failed reply once, with its own error', async () => {
    const failures: Error[] = [];
    expect(await replyWithin(Promise.reject(new Error('READONLY')), 20, (error) => failures.push(error))).toEqual({ answered: false });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(failures.map((error) => error.message)).toEqual(['READONLY']);
  });

  it('takes a reply that reached the socket while the event loop stalled past the deadline', async () => {
    const pair = await socketPair();
    try {
      const failures: Error[] = [];
      const data = once(pair.near, 'data').then(([chunk]) => String(chunk));
      const bounded = replyWithin(data, 20, (error) => failures.push(error));
      pair.far.write('PONG');
      // The loop is busy well past the deadline; the reply waits in the socket meanwhile.
      const until = performance.now() + 200;
      while (performance.now() < until);
      expect(await bounded).toEqual({ answered: true, value: 'PONG' });
      expect(failures).toEqual([]);
    } finally {
      pair.close();
    }
  });
});
