import { pino } from 'pino';
import type { AgentDefinition } from '../../engine/agent.js';
import { buildAgent } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { startServer, type RunningServer, type ServerOptions } from '../../engine/server.js';
import { SHIPPED_BOTS } from '../../engine/shippedBots.js';

/** One pino line the engine wrote at `warn` or above. */
export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** pino's numeric level for `error`. */
export const LOG_ERROR = 50;

/** Keeps the engine's warnings and errors in memory, so a test can assert none of them is an engine fault. */
export class LogCollector {
  readonly records: LogRecord[] = [];

  /** pino destination: one JSON line per call. */
  write(line: string): void {
    this.records.push(JSON.parse(line) as LogRecord);
  }

  /** Lines at `error` or above, as `msg` plus the error message when there is one. */
  errors(): string[] {
    const found: string[] = [];
    for (const record of this.records) {
      if (record.level < LOG_ERROR) continue;
      const err = record['err'] as { message?: string; stack?: string } | undefined;
      found.push(err === undefined ? record.msg : `${record.msg}: ${err.stack ?? err.message ?? ''}`);
    }
    return found;
  }

  /** Forgets everything collected so far. */
  clear(): void {
    this.records.length = 0;
  }
}

/** A running engine plus its collected log and a URL builder. */
export type ObservedEngine = RunningServer & {
  readonly logs: LogCollector;
  url(serviceHost: string): string;
};

/**
 * The options `startTestEngine` uses, with admission control opened wide: tests open many
 * connections from one address in a row, and a loaded test machine must not make the engine refuse
 * the calls a test is about (pendingLimits.test.ts sets real limits). `overrides` replace any of them.
 */
export const TEST_SERVER_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 0,
  maxMessageBytes: 64 * 1024,
  limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 },
  admission: { connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000 },
};

/**
 * Starts the real engine on 127.0.0.1, like `startTestEngine`, but logs `warn` and above into a
 * {@link LogCollector} instead of dropping them, so tests can see every error the engine logged.
 */
export async function startObservedEngine(agents: AgentDefinition[] = [], overrides: Partial<ServerOptions> = {}): Promise<ObservedEngine> {
  const logs = new LogCollector();
  const shipped = [...SHIPPED_BOTS].map(([name, bot]) => buildAgent('default', name, bot, name));
  const server = await startServer(
    { ...TEST_SERVER_OPTIONS, ...overrides },
    { catalog: new AgentCatalog([...shipped, ...agents]), clock: systemClock, log: pino({ level: 'warn' }, logs) },
  );
  return Object.assign(server, {
    logs,
    url: (serviceHost: string) => `ws://127.0.0.1:${server.port}/ws/telnyx?serviceHost=${encodeURIComponent(serviceHost)}`,
  });
}
