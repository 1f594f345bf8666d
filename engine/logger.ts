import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Log levels accepted by the engine's configuration. */
export type LogLevel = LevelWithSilent;

/**
 * The engine's root logger: JSON lines on stdout, one child per call (`callId`, `agent`).
 * Messages are static; values go in fields.
 */
export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'callwire' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A logger that drops everything, for tests and tools that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
