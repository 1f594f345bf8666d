/**
 * Child process for the connection-flood tests: opens COUNT media streams to URL at once, starts
 * each one that is accepted, holds them HOLD_MS, closes them, and prints how each attempt went as
 * one JSON line. Run as `node --import tsx connectionBurst.ts URL COUNT HOLD_MS`; running the burst
 * in its own process keeps its cost off the engine's event loop.
 */
import { WebSocket } from 'ws';
import { connectedFrame, simulatedCall, startFrame } from '../../bench/telnyx/mediaFrames.js';

const [url, countText, holdText] = process.argv.slice(2);
const count = Number(countText);
const holdMs = Number(holdText);

function attempt(): Promise<{ outcome: string; ws: WebSocket | undefined }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url!, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    ws.once('open', () => {
      ws.send(connectedFrame());
      ws.send(startFrame(simulatedCall(), 1));
      resolve({ outcome: 'served', ws });
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve({ outcome: `refused ${response.statusCode}`, ws: undefined });
      ws.terminate();
    });
    ws.once('error', (error) => resolve({ outcome: `error ${error.message}`, ws: undefined }));
  });
}

const results = await Promise.all(Array.from({ length: count }, attempt));
await new Promise((resolve) => setTimeout(resolve, holdMs));
const closes = new Map<string, number>();
await Promise.all(
  results.map(
    ({ ws }) =>
      new Promise<void>((resolve) => {
        if (ws === undefined) return resolve();
        if (ws.readyState === WebSocket.CLOSED) {
          closes.set('closed by engine', (closes.get('closed by engine') ?? 0) + 1);
          return resolve();
        }
        ws.once('close', () => resolve());
        ws.close(1000);
      }),
  ),
);
const tally: Record<string, number> = {};
for (const { outcome } of results) tally[outcome] = (tally[outcome] ?? 0) + 1;
process.stdout.write(`${JSON.stringify({ tally, closedByEngineBeforeHold: Object.fromEntries(closes) })}\n`);
