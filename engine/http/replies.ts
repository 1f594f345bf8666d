import type { ServerResponse } from 'node:http';

/** Sends `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(text);
}

/** Sends an XML document with `status`. */
export function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'no-store' });
  response.end(xml);
}

/**
 * Answers a request whose body will not be read and closes the connection after the answer: kept
 * alive, Node would read and discard the rest of the body, for as long as its sender takes.
 */
export function refuseBeforeBody(response: ServerResponse, status: number, body: unknown): void {
  response.shouldKeepAlive = false;
  sendJson(response, status, body, { connection: 'close' });
}
