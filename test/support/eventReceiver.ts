import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_SIGNATURE_HEADER } from '../../engine/events/eventSignature.js';

/** One POST the receiver got. */
export interface ReceivedEvent {
  readonly body: string;
  readonly signature: string | undefined;
  readonly eventId: string | undefined;
  /** The status answered; undefined: held unanswered. */
  readonly status: number | undefined;
}

/** A local app receiving call events; `answer` picks each response's status (or undefined: never answer). */
export class EventReceiver {
  readonly received: ReceivedEvent[] = [];
  readonly #server: Server;
  readonly #held: ServerResponse[] = [];
  #waiters: { done: () => boolean; resolve: () => void }[] = [];

  constructor(private readonly answer: (attempt: number, request: IncomingMessage) => number | undefined) {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.answer(this.received.length + 1, request);
        this.received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: request.headers[EVENT_SIGNATURE_HEADER] as string | undefined,
          eventId: request.headers['callwire-event-id'] as string | undefined,
          status,
        });
        if (status === undefined) this.#held.push(response);
        else response.writeHead(status).end();
        this.#waiters = this.#waiters.filter((waiter) => (waiter.done() ? (waiter.resolve(), false) : true));
      });
    });
  }

  /** Listens on 127.0.0.1; resolves to the URL to POST events to. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/events`;
  }

  /** Resolves once `count` requests have arrived. */
  requests(count: number): Promise<void> {
    return this.until(() => this.received.length >= count);
  }

  /** Resolves once `done` holds, checked as each request arrives. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ done, resolve }));
  }

  /** Bodies of the events this receiver accepted (answered 2xx), parsed. */
  accepted(): { id: string; type: string; createdAt: string; data: Record<string, unknown> }[] {
    return this.received.filter((request) => request.status !== undefined && request.status >= 200 && request.status < 300).map((request) => JSON.parse(request.body));
  }

  /** Stops listening and drops requests it held unanswered. */
  async close(): Promise<void> {
    for (const response of this.#held) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

