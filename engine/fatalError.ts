import { ConfigError } from './configProblems.js';

/** Levels at which a command that fails prints the stack trace too. */
const TRACING_LEVELS = new Set(['debug', 'trace']);

/**
 * What to print when a command stops on `error`: one line per problem, saying what to change (a
 * configuration's problems, a port in use, a file that cannot be read); the stack trace only when
 * `withStack` (`--log-level debug`), or for an error nobody foresaw, which gets a pointer to it.
 */
export function describeFatalError(error: unknown, withStack: boolean): string {
  const explained = explain(error);
  const stack = error instanceof Error && error.stack !== undefined ? error.stack : undefined;
  if (withStack && stack !== undefined) return `${explained ?? firstLine(error)}\n${stack}`;
  if (explained !== undefined) return explained;
  return `${firstLine(error)} (run again with --log-level debug for the stack trace)`;
}

/** True when the command line or CALLWIRE_LOG_LEVEL asks for `debug` or `trace`. */
export function wantsStackTraces(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--log-level' && TRACING_LEVELS.has(argv[index + 1] ?? '')) return true;
    if (argument.startsWith('--log-level=') && TRACING_LEVELS.has(argument.slice('--log-level='.length))) return true;
  }
  return TRACING_LEVELS.has(env['CALLWIRE_LOG_LEVEL'] ?? '');
}

/** The error, in words that say what to change; undefined for one this does not know. */
function explain(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, address, port, path } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return `${error.message} (callwire help lists the options)`;
  if (syscall === 'listen' || code === 'EADDRINUSE') return listenProblem(code, address, port);
  if (path !== undefined && code !== undefined) return `${path}: ${fileProblem(code, syscall) ?? firstLine(error)}`;
  return undefined;
}

function listenProblem(code: string | undefined, address: string | undefined, port: number | undefined): string | undefined {
  const where = `${address ?? 'the address'}:${port ?? '?'}`;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (another callwire?); stop that process, or choose another port with --port N (or CALLWIRE_PORT)`;
    case 'EACCES':
      return `cannot listen on ${where}: ports below 1024 need privileges; choose a port from 1024 up with --port N (or CALLWIRE_PORT), and put a proxy on 80/443`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${address ?? 'the address'} is not an address of this machine; choose another with --host ADDR (or CALLWIRE_HOST), or 0.0.0.0 for all`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: the host name does not resolve; give an IP address with --host ADDR (or CALLWIRE_HOST)`;
    default:
      return undefined;
  }
}

function fileProblem(code: string, syscall: string | undefined): string | undefined {
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return `permission denied${syscall === undefined ? '' : ` (${syscall})`}; check the file's owner and mode`;
    case 'EISDIR':
      return 'is a folder; a file was expected';
    case 'ENOTDIR':
      return 'a part of this path is a file, not a folder';
    case 'EROFS':
      return 'is on a read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return undefined;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return message.split('\n', 1)[0]!;
}
