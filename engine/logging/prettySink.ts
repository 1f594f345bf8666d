import type { DestinationStream } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

/**
 * A destination that rewrites each JSON line pino writes as one readable line (time, level,
 * message, then the fields) and hands it to `sink` in the same call. Formatting in-process and
 * synchronously, rather than in a transport's worker thread, keeps the sink's bound, its drop
 * count and its flush at exit: a line logged just before `process.exit` is not lost on the way.
 * Colours follow the terminal (`NO_COLOR` and `FORCE_COLOR` are honoured).
 */
export function prettyLogSink(sink: DestinationStream, colorize: boolean = isColorSupported): DestinationStream {
  const pretty = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service', singleLine: true });
  return { write: (line: string) => sink.write(pretty(line)) };
}
