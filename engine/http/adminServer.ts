import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleProbe, type ProbeContext } from './probeRoutes.js';
import { sendJson } from './replies.js';

/** Where the admin listener listens. */
export interface AdminListen {
  readonly host: string;
  readonly port: number;
}

/** A listening admin server and the port it got. */
export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Time an admin client has for its whole request: probes are small and local. */
const ADMIN_REQUEST_TIMEOUT_MS = 5000;

/**
 * A second HTTP listener that serves only `/healthz`, `/readyz` and `/metrics`. Its own socket has
 * its own accept queue, so an orchestrator's probes are not queued behind a flood of connections
 * to the public port, and the public port need not be reachable from the probes at all.
 */
export async function startAdminServer(listen: AdminListen, context: ProbeContext): Promise<AdminServer> {
  const server: Server = createServer({ requestTimeout: ADMIN_REQUEST_TIMEOUT_MS, headersTimeout: ADMIN_REQUEST_TIMEOUT_MS }, (request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    handleProbe(request.method, path, response, context)
      .then((answered) => {
        if (!answered) sendJson(response, 404, { error: 'not_found' });
      })
      .catch(() => {
        if (!response.headersSent) sendJson(response, 500, { error: 'internal_error' });
        else response.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: listen.port, host: listen.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
