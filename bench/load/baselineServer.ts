/**
 * The bench's baseline: a bare WebSocket echo server (ws, no parsing: every message goes straight
 * back) with a `/stats` endpoint shaped like the engine's (CPU, memory, event-loop delay), so one
 * run can compare callwire with the least any WebSocket server must spend on the same traffic.
 * Started by the bench as a child process: `baselineServer.ts --port P [--host 127.0.0.1]`.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ServerStats } from './serverStats.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port ?? 0);
const startedAt = performance.now();
// Same resolution as the engine's monitor (engine/engineStats.ts), so the two are comparable.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });

function stats(): ServerStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const ms = (nanos: number): number => (Number.isFinite(nanos) ? nanos / 1e6 : 0);
  return {
    uptimeMs: performance.now() - startedAt,
    cpu: { userMicros: cpu.user, systemMicros: cpu.system },
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), mean: ms(loopDelay.mean) },
    calls: { active: wss.clients.size },
  };
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://baseline.invalid');
  if (request.method === 'GET' && url.pathname === '/stats') {
    const body = JSON.stringify(stats());
    if (url.searchParams.get('reset') === 'loop') loopDelay.reset();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(body);
    return;
  }
  response.writeHead(404).end();
});

function echo(this: WebSocket, data: RawData, isBinary: boolean): void {
  this.send(data as Buffer, { binary: isBinary });
}

server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => ws.on('message', echo));
});
server.listen(port, values.host);
const stop = (): void => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
