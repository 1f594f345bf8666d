import cluster from 'node:cluster';
import type { Socket } from 'node:net';
import type { EngineConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { serve, type ServeOptions } from '../serve.js';
import type { RunningServer } from '../server.js';
import { isCallwireMessage, type PrimaryMessage, type WorkerMessage } from './messages.js';

/** Set in a worker's environment by its primary: the process serves handed connections, not a port. */
export const WORKER_ENV = 'CALLWIRE_CLUSTER_WORKER';

/** True in a process its callwire primary forked. */
export function isClusterWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return cluster.isWorker && env[WORKER_ENV] === '1';
}

/**
 * Runs one worker of `callwire serve --workers N`: the whole engine, minus the port. Connections
 * come from the primary with their first bytes; call starts and ends, and readiness once a second,
 * go back to it. Signals are the primary's to handle (a terminal's Ctrl-C reaches every process of
 * the group): the worker drains when the primary asks. Should the primary vanish, Node's cluster
 * ends the worker at once.
 */
export async function runClusterWorker(config: EngineConfig, engineLog: Logger, options: ServeOptions): Promise<void> {
  const log = engineLog.child({ worker: cluster.worker?.id });
  const tell = (message: WorkerMessage, then?: () => void): void => {
    if (!process.connected) {
      then?.();
      return;
    }
    process.send?.(message, undefined, {}, () => then?.());
  };
  const server = await serve(config, log, {
    ...options,
    handedConnections: true,
    callLifecycle: {
      started: (session) => tell({ type: 'callwire:call', event: 'started', callId: session.id, agent: `${session.agent.name}.${session.agent.org}`, callControlId: session.callControlId }),
      ended: (session, reason) => tell({ type: 'callwire:call', event: 'ended', callId: session.id, agent: `${session.agent.name}.${session.agent.org}`, reason }),
    },
  });
  const status = setInterval(() => tell({ type: 'callwire:status', unready: server.unready() ?? null }), 1000);
  status.unref();
  const drain = drainOnce(server, log, () => {
    clearInterval(status);
    tell({ type: 'callwire:drained' }, () => process.exit(0));
  });
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isCallwireMessage(message)) return;
    const request = message as PrimaryMessage;
    switch (request.type) {
      case 'callwire:connection':
        if (handle !== undefined && handle !== null) server.adopt(handle as Socket, Buffer.from(request.received, 'base64'));
        return;
      case 'callwire:query':
        if (request.query === 'metrics') {
          void server.metrics.registry.getMetricsAsJSON().then((value) => tell({ type: 'callwire:reply', requestId: request.requestId, value }));
          return;
        }
        tell({ type: 'callwire:reply', requestId: request.requestId, value: server.stats.snapshot(server.calls.size) });
        if (request.resetLoop) server.stats.resetEventLoopDelay();
        return;
      case 'callwire:drain':
        drain(request.deadlineMs, request.now);
        return;
    }
  });
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  tell({ type: 'callwire:ready' });
}

/** Starts the drain once; a later request with `now` ends the remaining calls at once. */
function drainOnce(server: RunningServer, log: Logger, drained: () => void): (deadlineMs: number, now: boolean) => void {
  let draining = false;
  return (deadlineMs, now) => {
    if (!draining) {
      draining = true;
      server.drain(deadlineMs).then(drained, (error: unknown) => {
        log.error({ err: error }, 'worker drain failed');
        process.exit(1);
      });
    }
    if (now) for (const session of server.calls.values()) session.shutdown();
  };
}
