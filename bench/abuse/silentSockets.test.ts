import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackAddresses } from './attackOptions.js';
import { AttackTally } from './attackTally.js';
import { silentSockets, splitEvenly } from './silentSockets.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('silent-sockets', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('splits its connections evenly over worker processes', () => {
    expect(splitEvenly(21_000, 3)).toEqual([7000, 7000, 7000]);
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
  });

  it('holds its connections from two worker processes against the real engine, and lets go when stopped', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = silentSockets({ port: engine.port, count: 40, perWorker: 25, durationMs: 30_000, sourceAddresses: loopbackAddresses(8), tally }, stop.signal);
    await waitUntil(() => tally.open === 40, 'forty connections held');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('silent-sockets');
    expect(report.extra.workers).toBe(2);
    expect(report.peakOpen).toBe(40);
    expect(report.extra.heldOverTime.at(-1)?.held).toBe(40);
    expect(report.messagesSent).toBe(0);
    expect(report.open).toBe(0);
  });

  it('opens a new connection whenever the server closes one', async () => {
    // A stand-in for an engine that drops silent sockets: it closes the first five it accepts.
    let accepted = 0;
    const held = new Set<Socket>();
    const server = createServer((socket) => {
      accepted++;
      socket.on('error', () => undefined);
      if (accepted <= 5) socket.destroy();
      else held.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = silentSockets({ port, count: 10, durationMs: 30_000, tally }, stop.signal);
    await waitUntil(() => accepted >= 15 && tally.open === 10, 'ten connections held after five were closed');
    stop.abort();
    const report = await attack;
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(report.closedByEngine['tcp']).toBe(5);
    expect(report.connectionsOpened).toBe(15);
  });
});
