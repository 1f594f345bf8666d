import { ConfigError } from '../configProblems.js';
import { didYouMean } from '../didYouMean.js';

/** How log lines are written: JSON lines for log collectors, or readable lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/** Every {@link LogFormat}, as `--log-format` and `CALLWIRE_LOG_FORMAT` accept them. */
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/**
 * The format asked for (`--log-format`, else `CALLWIRE_LOG_FORMAT`), else `pretty` when standard
 * output is a terminal and `json` when it is a pipe or a file, so collectors always get JSON.
 *
 * @throws ConfigError naming the accepted formats, for any other value.
 */
export function chooseLogFormat(requested: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  if (requested === undefined || requested === '') return stdoutIsTerminal ? 'pretty' : 'json';
  if ((LOG_FORMATS as readonly string[]).includes(requested)) return requested as LogFormat;
  throw new ConfigError([`--log-format (or CALLWIRE_LOG_FORMAT) must be json or pretty, got "${requested}"${didYouMean(requested, LOG_FORMATS)}`]);
}
