import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { boundedLogSink } from './logging/boundedSink.js';
import type { LogFormat } from './logging/logFormat.js';

export type { Logger } from 'pino';

/** Log levels accepted by the engine's configuration. */
export type LogLevel = LevelWithSilent;

/**
 * The engine's root logger: JSON lines, one child per call (`callId`, `agent`). Messages are
 * static; values go in fields. Without a destination it writes to stdout through a bounded,
 * asynchronous sink ({@link boundedLogSink}).
 */
export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream | DestinationStream): Logger {
  const options = { level, base: { service: 'callwire' } };
  return pino(options, destination ?? boundedLogSink());
}

/**
 * Standard output in `format`, through the bounded sink either way. The formatter is imported only
 * for `pretty`: loading it takes a few hundred milliseconds that JSON logging need not pay.
 */
export async function stdoutLogDestination(format: LogFormat): Promise<NodeJS.WritableStream | DestinationStream> {
  if (format === 'json') return boundedLogSink();
  const { prettyLogSink } = await import('./logging/prettySink.js');
  return prettyLogSink(boundedLogSink());
}

/** A logger that drops everything, for tests and tools that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
