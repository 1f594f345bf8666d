import type { ServerResponse } from 'node:http';
import type { CallRegistry } from '../callRegistry.js';
import type { EngineMetrics } from '../metrics.js';
import { sendJson } from './replies.js';

/** What the orchestrator's probes read. */
export interface ProbeContext {
  readonly calls: CallRegistry;
  readonly metrics: EngineMetrics;
  /** Why the engine takes no new calls now (draining, capacity, overload), or undefined when ready. */
  readonly unready: () => string | undefined;
}

/**
 * `GET /healthz` (the process answers), `/readyz` (it takes new calls: 200, or 503 with the cause)
 * and `/metrics` (Prometheus). Resolves true when `path` was one of them and has been answered.
 */
export async function handleProbe(method: string | undefined, path: string, response: ServerResponse, context: ProbeContext): Promise<boolean> {
  if (method !== 'GET') return false;
  if (path === '/healthz') {
    sendJson(response, 200, { status: 'ok', calls: context.calls.size });
    return true;
  }
  if (path === '/readyz') {
    const cause = context.unready();
    sendJson(response, cause === undefined ? 200 : 503, { status: cause === undefined ? 'ready' : 'unready', cause, calls: context.calls.size });
    return true;
  }
  if (path === '/metrics') {
    const text = await context.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': context.metrics.registry.contentType });
    response.end(text);
    return true;
  }
  return false;
}
