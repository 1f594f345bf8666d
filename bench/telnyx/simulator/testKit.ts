/**
 * Tiny local peers for the simulator's tests: a webhook receiver (plays the engine's
 * POST /webhooks/telnyx) and a WebSocket server (plays the engine's stream_url). 127.0.0.1 only.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One webhook as the receiver got it. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly json: {
    data: { record_type: string; event_type: string; id: string; occurred_at: string; payload: Record<string, unknown> };
    meta: { attempt: number; delivered_to: string };
  };
}

/** A local webhook endpoint that answers each request with `statusFor(request index)`. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Event types received, in order. */
  eventTypes(callControlId?: string): string[];
  close(): Promise<void>;
}

/** Starts a webhook receiver; `statusFor` picks each response status (default 200). */
export async function startWebhookReceiver(statusFor: (webhook: ReceivedWebhook, index: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const webhook: ReceivedWebhook = { headers: request.headers, rawBody, json: JSON.parse(rawBody) as ReceivedWebhook['json'] };
      received.push(webhook);
      response.writeHead(statusFor(webhook, received.length - 1)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/telnyx`,
    received,
    eventTypes: (callControlId) =>
      received.filter((w) => callControlId === undefined || w.json.data.payload['call_control_id'] === callControlId).map((w) => w.json.data.event_type),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One media socket the simulated Telnyx opened. */
export interface AcceptedStream {
  readonly socket: WebSocket;
  readonly headers: IncomingHttpHeaders;
  /** Parsed frames received, in order. */
  readonly frames: Record<string, unknown>[];
  readonly closed: Promise<number>;
}

/** A local WebSocket server standing in for the engine's media endpoint. */
export interface MediaServer {
  readonly url: string;
  readonly streams: AcceptedStream[];
  close(): Promise<void>;
}

/** Starts a media WebSocket server on 127.0.0.1. */
export async function startMediaServer(): Promise<MediaServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const streams: AcceptedStream[] = [];
  server.on('connection', (socket, request) => {
    const frames: Record<string, unknown>[] = [];
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
    streams.push({ socket, headers: request.headers, frames, closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))) });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/media`,
    streams,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
