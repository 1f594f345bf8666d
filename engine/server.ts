import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { config as rxjsConfig } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentCatalog } from './agentCatalog.js';
import { CallRegistry } from './callRegistry.js';
import { CallSession, type CallLimits } from './callSession.js';
import type { Clock } from './clock.js';
import type { TelnyxSettings } from './config.js';
import { EngineStats } from './engineStats.js';
import { handleHttp } from './http/router.js';
import type { Logger } from './logger.js';
import { Pacer } from './pacer.js';
import { TELNYX_STREAM_PATH } from './publicUrl.js';
import { routeStream } from './routing.js';
import { admitStream } from './streamAdmission.js';
import { TelnyxCalls } from './telnyxCalls.js';
import { CallControl } from './telnyx/callControl.js';
import { RecentIds } from './telnyx/recentIds.js';
import { OutboundSerializer } from './telnyx/serializeOutbound.js';
import { webhookPublicKey } from './telnyx/webhookSignature.js';

/** Where and how the engine listens. */
export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest inbound WebSocket message, in bytes (ws defaults to 100 MiB; a Telnyx frame is far smaller). */
  readonly maxMessageBytes: number;
  readonly limits: CallLimits;
  /** Writes every call's capture into this folder (`serve --capture DIR`). */
  readonly captureDir?: string | undefined;
  /** How Telnyx reaches the engine; undefined: each request's host. */
  readonly publicUrl?: string | undefined;
  /** Bearer keys of the engine's HTTP API (`POST /v1/calls`); none: dial-out refuses everyone. */
  readonly apiKeys?: readonly string[] | undefined;
  /** Telnyx account settings: Call Control needs `apiKey`, webhooks need `publicKey`. */
  readonly telnyx?: Partial<TelnyxSettings> | undefined;
}

/** Services the server runs on. */
export interface ServerDeps {
  readonly catalog: AgentCatalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** Wall-clock milliseconds (webhook timestamps); default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** A running engine: one HTTP server, the WebSocket endpoint, the call registry and the pacer. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly calls: CallRegistry;
  readonly pacer: Pacer;
  readonly stats: EngineStats;
  /** Call Control legs, webhooks and dial-out. */
  readonly telnyx: TelnyxCalls;
  /** Ends every call (reason `shutdown`), stops listening and resolves when all sockets are closed. */
  close(): Promise<void>;
}

export { TELNYX_STREAM_PATH };

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
  const now = deps.now ?? Date.now;
  const telnyxSettings = options.telnyx ?? {};
  const apiKey = telnyxSettings.apiKey;
  const callControl = apiKey === undefined ? undefined : new CallControl({ apiKey, baseUrl: telnyxSettings.baseUrl });
  const telnyx = new TelnyxCalls({ catalog, calls, callControl, log, clock, now });
  const publicKey = telnyxSettings.publicKey === undefined ? undefined : webhookPublicKey(telnyxSettings.publicKey);
  const httpContext = {
    catalog,
    calls,
    stats,
    telnyx,
    log,
    now,
    publicKey,
    seenWebhooks: new RecentIds({ capacity: 10_000, ttlMs: 3_600_000 }),
    publicUrl: options.publicUrl,
    apiKeys: options.apiKeys ?? [],
    connectionId: telnyxSettings.connectionId,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const server: Server = createServer((request, response) => {
    handleHttp(request, response, httpContext).catch((error: unknown) => {
      log.error({ err: error, method: request.method, url: request.url }, 'http request failed');
      if (response.headersSent) {
        if (!response.writableEnded) response.end();
        return;
      }
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal_error' }));
    });
  });

  const acceptStream = (ws: WebSocket, request: IncomingMessage, url: URL): void => {
    const route = routeStream(url, catalog);
    if (!route.ok) {
      log.warn({ closeCode: route.closeCode, reason: route.reason, serviceHost: url.searchParams.get('serviceHost') }, 'refused media stream');
      ws.close(route.closeCode, route.reason);
      return;
    }
    const admitted = admitStream(route.agent, request.headers, url, (key) => telnyx.heldParameters(key));
    if (!admitted.ok) {
      log.warn({ closeCode: 4401, detail: admitted.detail, agent: `${route.agent.name}.${route.agent.org}` }, 'refused media stream: missing or wrong stream auth token');
      ws.close(4401, 'stream_unauthorized');
      return;
    }
    const session = new CallSession(ws, route.agent, {
      clock,
      pacer,
      log,
      writer,
      limits: options.limits,
      captureDir: options.captureDir,
      callControl,
      onStarted: (started) => calls.indexByCallControlId(started),
      onEnded: (ended, output, summary) => {
        telnyx.callEnded(ended, output.reason);
        calls.delete(ended.id);
        stats.callEnded(summary);
      },
    }, admitted.admission);
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
        acceptStream(ws, request, url);
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
  log.info(
    {
      host: address.address,
      port: address.port,
      path: TELNYX_STREAM_PATH,
      callControl: callControl !== undefined,
      webhooks: publicKey !== undefined,
      dialOut: httpContext.apiKeys.length > 0,
    },
    'callwire listening',
  );

  return {
    port: address.port,
    host: address.address,
    calls,
    pacer,
    stats,
    telnyx,
    close: async () => {
      for (const session of calls.values()) session.shutdown();
      for (const ws of wss.clients) ws.terminate();
      // Legs the engine owned are hung up as their calls end: give those commands a moment.
      await telnyx.settle(2_000);
      pacer.close();
      stats.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
