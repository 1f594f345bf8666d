#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, type LogLevel } from './logger.js';
import { serve, stopOnSignals } from './serve.js';

const USAGE = `callwire: Telnyx media streams in, voice bots out.

Usage:
  callwire serve [--port N] [--host ADDR] [--config FILE] [--log-level LEVEL] [--capture DIR]
  callwire help

serve   Starts the engine: HTTP on --port (default 8080, or CALLWIRE_PORT), Telnyx media
        streams at /ws/telnyx?serviceHost=AGENT.ORG, health at /healthz. Without a config file
        (callwire.config.{ts,js,json} in the working directory, --config or CALLWIRE_CONFIG) it
        serves org "default" with the shipped agents "echo" and "menu". --capture DIR writes
        every call's frames, as they arrived and as sent, to DIR/<call id>.capture.jsonl
        (bench/capture/FORMAT.md); a capture replays as is.
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`callwire: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      capture: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    process.stderr.write(`callwire: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  const config = await loadConfig({
    cwd: process.cwd(),
    env: process.env,
    path: values.config,
    port,
    host: values.host,
    logLevel: values['log-level'] as LogLevel | undefined,
  });
  const log = createLogger(config.logLevel);
  const server = await serve(config, log, { captureDir: values.capture });
  stopOnSignals(server, log);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`callwire: ${error.message}\n`);
    else process.stderr.write(`callwire: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
