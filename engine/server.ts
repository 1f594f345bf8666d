import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { config as rxjsConfig } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentCatalog } from './agentCatalog.js';
import { CallRegistry } from './callRegistry.js';
import { CallSession, type CallLimits } from './callSession.js';
import type { Clock } from './clock.js';
import { EngineStats } from './engineStats.js';
import type { Logger } from './logger.js';
import { Pacer } from './pacer.js';
import { routeStream } from './routing.js';
import { OutboundSerializer } from './telnyx/serializeOutbound.js';

/** Where and how the engine listens. */
export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest inbound WebSocket message, in bytes (ws defaults to 100 MiB; a Telnyx frame is far smaller). */
  readonly maxMessageBytes: number;
  readonly limits: CallLimits;
  /** Writes every call's capture into this folder (`serve --capture DIR`). */
  readonly captureDir?: string | undefined;
}

/** Services the server runs on. */
export interface ServerDeps {
  readonly catalog: AgentCatalog;
  readonly clock: Clock;
  readonly log: Logger;
}

/** A running engine: one HTTP server, the WebSocket endpoint, the call registry and the pacer. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly calls: CallRegistry;
  readonly pacer: Pacer;
  readonly stats: EngineStats;
  /** Ends every call (reason `shutdown`), stops listening and resolves when all sockets are closed. */
  close(): Promise<void>;
}

/** Path Telnyx's `<Stream url>` points at, as on Pipecat Cloud. */
export const TELNYX_STREAM_PATH = '/ws/telnyx';

/** Starts the engine's HTTP server and resolves once it listens. */
export async function startServer(options: ServerOptions, deps: ServerDeps): Promise<RunningServer> {
  const { catalog, clock, log } = deps;
  // rxjs rethrows a subscriber's uncaught error on a timer, which would kill every call in the
  // process; a bot's own audio subscription must only ever take down its own call.
  rxjsConfig.onUnhandledError = (error: unknown) => log.error({ err: error }, 'uncaught error in an audio subscriber');
  const calls = new CallRegistry();
  const stats = new EngineStats();
  const pacer = new Pacer(clock, log.child({ component: 'pacer' }));
  const writer = new OutboundSerializer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const server: Server = createServer((request, response) => handleHttp(request, response, calls, stats));

  const acceptStream = (ws: WebSocket, url: URL): void => {
    const route = routeStream(url, catalog);
    if (!route.ok) {
      log.warn({ closeCode: route.closeCode, reason: route.reason, serviceHost: url.searchParams.get('serviceHost') }, 'refused media stream');
      ws.close(route.closeCode, route.reason);
      return;
    }
    const session = new CallSession(ws, route.agent, {
      clock,
      pacer,
      log,
      writer,
      limits: options.limits,
      captureDir: options.captureDir,
      onEnded: (ended, _output, summary) => {
        calls.delete(ended.id);
        stats.callEnded(summary);
      },
    });
    stats.callStarted();
    // The actor may already have ended inside its constructor (it never does today, but a registry
    // entry for a finished call would leak).
    if (session.actor.getSnapshot().status === 'active') calls.add(session);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://callwire.invalid');
    if (url.pathname !== TELNYX_STREAM_PATH && url.pathname !== `${TELNYX_STREAM_PATH}/`) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      try {
        acceptStream(ws, url);
      } catch (error) {
        log.error({ err: error }, 'failed to start call');
        ws.close(1011, 'internal_error');
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  log.info({ host: address.address, port: address.port, path: TELNYX_STREAM_PATH }, 'callwire listening');

  return {
    port: address.port,
    host: address.address,
    calls,
    pacer,
    stats,
    close: async () => {
      for (const session of calls.values()) session.shutdown();
      for (const ws of wss.clients) ws.terminate();
      pacer.close();
      stats.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function handleHttp(request: IncomingMessage, response: ServerResponse, calls: CallRegistry, stats: EngineStats): void {
  const url = new URL(request.url ?? '/', 'http://callwire.invalid');
  if (request.method === 'GET' && url.pathname === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', calls: calls.size }));
    return;
  }
  if (request.method === 'GET' && url.pathname === '/stats') {
    // The bench harness reads this before and after a run; `?reset=loop` starts a new event-loop window.
    const snapshot = stats.snapshot(calls.size);
    if (url.searchParams.get('reset') === 'loop') stats.resetEventLoopDelay();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(snapshot));
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: 'not_found' }));
}
