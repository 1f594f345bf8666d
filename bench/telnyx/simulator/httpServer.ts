import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelnyxApiError, invalidJson } from './apiErrors.js';
import type { Body } from './bodyFields.js';

/** One HTTP request, parsed. */
export interface ApiRequest {
  readonly method: string;
  /** Path without query string, percent-decoding left to the router (per segment). */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Body;
}

/** What to answer. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

/** Handles a parsed request; may throw `TelnyxApiError`. */
export type ApiHandler = (request: ApiRequest) => Promise<ApiReply>;

/** Largest body accepted; Call Control bodies are small. */
const MAX_BODY_BYTES = 1 << 20;

/** A listening HTTP server on 127.0.0.1 that answers JSON like Telnyx's API. */
export interface ListeningServer {
  readonly server: Server;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts a JSON API server on 127.0.0.1 (`port` 0 = any free port). */
export async function listen(handler: ApiHandler, port = 0): Promise<ListeningServer> {
  const server = createServer((request, response) => void respond(handler, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(handler: ApiHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let reply: ApiReply;
  try {
    const body = parseBody(await readBody(request));
    const path = (request.url ?? '/').split('?', 1)[0]!;
    reply = await handler({ method: request.method ?? 'GET', path, authorization: request.headers.authorization, body });
  } catch (error) {
    const apiError =
      error instanceof TelnyxApiError ? error : new TelnyxApiError(500, '10007', 'Unexpected error', `An unexpected error occured: ${String(error)}`);
    reply = { status: apiError.status, body: apiError.toBody() };
  }
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new TelnyxApiError(413, '10015', 'Bad Request', 'The request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body or `null` is `{}` (the SDK sends no body for an action called without params). */
function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson();
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidJson();
  return value as Body;
}
