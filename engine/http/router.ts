import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentCatalog } from '../agentCatalog.js';
import type { CallRegistry } from '../callRegistry.js';
import type { EngineStats } from '../engineStats.js';
import type { EngineMetrics } from '../metrics.js';
import type { Logger } from '../logger.js';
import type { TelnyxCalls } from '../telnyxCalls.js';
import type { SeenWebhookIds } from '../telnyx/seenWebhookIds.js';
import type { SharedLogBudget } from '../logging/sharedLogBudget.js';
import type { AdmitBody, BodyLane } from './bodiesInFlight.js';
import { DIAL_OUT_PATH, handleDialOut } from './dialOutRoute.js';
import { handleProbe } from './probeRoutes.js';
import { sendJson } from './replies.js';
import type { StreamOrigins } from './streamOrigins.js';
import { handleTexml, isTexmlPath } from './texmlRoute.js';
import { handleTry, isTryPath } from '../try/tryRoute.js';
import { handleWebhook, WEBHOOK_PATH, type WebhookRouteDeps } from './webhookRoute.js';

/** Everything the HTTP routes use. */
export interface HttpContext {
  readonly catalog: AgentCatalog;
  readonly calls: CallRegistry;
  readonly stats: EngineStats;
  readonly telnyx: TelnyxCalls;
  readonly log: Logger;
  readonly now: () => number;
  readonly publicKey: KeyObject | undefined;
  readonly seenWebhooks: SeenWebhookIds;
  /** Where stream URLs may point (publicUrl, allowedHosts, trustedProxies). */
  readonly origins: StreamOrigins;
  readonly apiKeys: readonly string[];
  readonly connectionId: string | undefined;
  readonly metrics: EngineMetrics;
  /** Why the engine takes no new calls now (draining, capacity, overload), or undefined when ready. */
  readonly unready: () => string | undefined;
  /** Budget of the log lines strangers can cause (refused requests). */
  readonly edgeLog: SharedLogBudget;
  /** Takes a body in under the engine's bounds, per lane (Telnyx's requests, the engine's own API). */
  readonly admitBody: Readonly<Record<BodyLane, AdmitBody>>;
  /** Whether the browser softphone (`/try`) is served. */
  readonly tryPage: boolean;
  /** Sends a webhook on to the engine process running its call (shared state in Redis); absent: none. */
  readonly forwardWebhook?: WebhookRouteDeps['forward'];
  /** Webhook event ids taken across engine processes (shared state in Redis); absent: none. */
  readonly webhookClaims?: WebhookRouteDeps['claims'];
  /** Each route's child logger, made once (a child per request is memory a flood of requests multiplies). */
  readonly routeLogs: RouteLoggers;
}

/** The HTTP routes' child loggers. */
export interface RouteLoggers {
  readonly webhooks: Logger;
  readonly texml: Logger;
  readonly dialOut: Logger;
}

/** Makes the routes' child loggers of `log`. */
export function routeLoggers(log: Logger): RouteLoggers {
  return { webhooks: log.child({ component: 'webhooks' }), texml: log.child({ component: 'texml' }), dialOut: log.child({ component: 'dial-out' }) };
}

/**
 * The engine's HTTP API: health and counters, Telnyx webhooks, TeXML, dial-out. The media stream
 * is the WebSocket upgrade, handled by the server.
 */
export async function handleHttp(request: IncomingMessage, response: ServerResponse, context: HttpContext): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://callwire.invalid');
  const { method } = request;
  const path = url.pathname;
  if (await handleProbe(method, path, response, context)) return;
  if (method === 'GET' && path === '/stats') {
    // The bench harness reads this before and after a run; `?reset=loop` starts a new event-loop window.
    // `?gc=1` collects garbage first when the process runs with --expose-gc (the soak's heap floor).
    const collect = (globalThis as { gc?: () => void }).gc;
    if (url.searchParams.get('gc') === '1' && collect !== undefined) collect();
    const snapshot = context.stats.snapshot(context.calls.size);
    if (url.searchParams.get('reset') === 'loop') context.stats.resetEventLoopDelay();
    sendJson(response, 200, snapshot);
    return;
  }
  if (path === WEBHOOK_PATH) {
    if (method !== 'POST') return methodNotAllowed(response, 'POST');
    return handleWebhook(request, response, {
      publicKey: context.publicKey,
      seen: context.seenWebhooks,
      telnyx: context.telnyx,
      origins: context.origins,
      log: context.routeLogs.webhooks,
      now: context.now,
      edgeLog: context.edgeLog,
      admitBody: context.admitBody.carrier,
      forward: context.forwardWebhook,
      claims: context.webhookClaims,
    });
  }
  if (isTexmlPath(path)) {
    if (method !== 'GET' && method !== 'POST') return methodNotAllowed(response, 'GET, POST');
    return handleTexml(request, response, url, {
      catalog: context.catalog,
      origins: context.origins,
      log: context.routeLogs.texml,
      edgeLog: context.edgeLog,
      admitBody: context.admitBody.carrier,
    });
  }
  if (context.tryPage && isTryPath(path)) {
    if (method !== 'GET') return methodNotAllowed(response, 'GET');
    return handleTry(path, response, { catalog: context.catalog, calls: context.calls });
  }
  if (path === DIAL_OUT_PATH) {
    if (method !== 'POST') return methodNotAllowed(response, 'POST');
    return handleDialOut(request, response, {
      catalog: context.catalog,
      telnyx: context.telnyx,
      apiKeys: context.apiKeys,
      connectionId: context.connectionId,
      origins: context.origins,
      log: context.routeLogs.dialOut,
      edgeLog: context.edgeLog,
      admitBody: context.admitBody.api,
    });
  }
  sendJson(response, 404, { error: 'not_found' });
}

function methodNotAllowed(response: ServerResponse, allow: string): void {
  sendJson(response, 405, { error: 'method_not_allowed' }, { allow });
}
