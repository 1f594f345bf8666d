import cluster from 'node:cluster';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.js';
import type { PrimaryMessage } from './messages.js';
import { answerInPrimary, answeredByPrimary, replyJson, type PrimaryView } from './primaryEndpoints.js';
import { hasRequestLine, hasWholeHead, parseRequestLine, readUntil, stopReading } from './requestHead.js';

/** Longest request line the primary reads to route a connection; a longer one is a worker's to refuse. */
const MAX_REQUEST_LINE_BYTES = 8 * 1024;
/** Largest head of a request the primary answers itself (Node's own default limit). */
const MAX_HEAD_BYTES = 16 * 1024;

/** Bounds on the connections the primary is still reading the first line of. */
export interface RouterLimits {
  /** Time a connection has to send its request line. */
  readonly headersTimeoutMs: number;
  /** Connections read at once; more are closed on arrival. */
  readonly maxRouting: number;
}

/** `/try/calls/<call_control_id>`, the softphone's poll of its call's figures. */
const TRY_CALL_PATH = /^\/try\/calls\/([^/]+)$/;

/**
 * The primary's listening server (not yet listening): it reads each connection's request line,
 * answers the primary's own endpoints, and sends every other connection, with the bytes read, to
 * the worker the pool picks.
 */
export function createConnectionRouter(view: PrimaryView, limits: RouterLimits, log: Logger): Server {
  const headLimits = { timeoutMs: limits.headersTimeoutMs, maxBytes: MAX_REQUEST_LINE_BYTES };
  let routing = 0;
  const route = async (socket: Socket): Promise<void> => {
    const first = await readUntil(socket, hasRequestLine, headLimits);
    if (first === undefined) return;
    const line = parseRequestLine(first);
    if (line !== undefined && answeredByPrimary(line)) {
      const head = await readUntil(socket, hasWholeHead, { ...headLimits, maxBytes: MAX_HEAD_BYTES }, first);
      if (head === undefined) return;
      if (!hasWholeHead(head)) return replyJson(socket, 431, { error: 'header_too_large' });
      return answerInPrimary(socket, line, view);
    }
    const received = Buffer.concat([first, stopReading(socket)]);
    // A softphone page polls its call's figures: they live in the worker holding the call.
    const polledCall = line === undefined ? undefined : TRY_CALL_PATH.exec(line.path)?.[1];
    const target = (polledCall === undefined ? undefined : view.pool.holderOf(polledCall)) ?? view.pool.pick();
    const worker = target === undefined ? undefined : cluster.workers?.[target.id];
    if (worker === undefined || !worker.isConnected()) return replyJson(socket, 503, { error: 'no_workers' });
    const message: PrimaryMessage = { type: 'callwire:connection', received: received.toString('base64') };
    worker.send(message, socket, (error: Error | null) => {
      if (error !== null) socket.destroy();
    });
  };
  return createServer((socket) => {
    // Connections still to show their request line are the primary's only per-connection state: capped.
    if (routing >= limits.maxRouting) {
      socket.destroy();
      return;
    }
    routing++;
    socket.on('error', () => undefined);
    route(socket).then(
      () => routing--,
      (error: unknown) => {
        routing--;
        socket.destroy();
        log.error({ err: error }, 'routing a connection failed');
      },
    );
  });
}
