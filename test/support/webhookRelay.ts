import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Sits between the Telnyx simulator and the engine, adding or replacing headers on every webhook. */
export interface WebhookRelay {
  /** Where the simulator should post (`sim.setWebhookUrl(relay.url)`). */
  readonly url: string;
  /** Headers set on every forwarded webhook, over the simulator's own (`host` included); change them between deliveries. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A relay on 127.0.0.1 that forwards each webhook to `target` byte for byte, signature headers
 * included, plus {@link WebhookRelay.headers}, and answers with the engine's status. It plays an
 * attacker replaying signed events with headers of its choosing, or a proxy in front of the engine;
 * either way the engine sees it as the TCP peer 127.0.0.1. It answers only once the engine has
 * answered, and the engine handles an event before answering, so a recorded delivery status means
 * the engine has acted on it.
 */
export async function startWebhookRelay(target: string): Promise<WebhookRelay> {
  const destination = new URL(target);
  const relay = {
    headers: {} as Record<string, string>,
  };
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...incoming.headers, host: destination.host, ...relay.headers, 'content-length': String(body.length) };
      const forwarded = httpRequest({ host: destination.hostname, port: destination.port, path: destination.pathname, method: 'POST', headers }, (response) => {
        response.resume();
        response.on('end', () => outgoing.writeHead(response.statusCode ?? 502).end());
      });
      forwarded.on('error', () => outgoing.writeHead(502).end());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(relay, {
    url: `http://127.0.0.1:${port}/webhooks/telnyx`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
