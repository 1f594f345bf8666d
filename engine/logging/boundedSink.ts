import { pino, type DestinationStream } from 'pino';

/** Bytes a log sink holds unwritten before it drops lines: far more than a healthy engine ever queues. */
export const DEFAULT_LOG_BUFFER_BYTES = 8 * 1024 * 1024;

/** Lines every bounded sink in this process dropped because its file or pipe could not keep up. */
export const LOG_SINK_DROPS = { lines: 0, bytes: 0 };

/**
 * The engine's log destination: asynchronous writes to a file descriptor (stdout by default) with a
 * hard cap on what waits to be written. A synchronous sink blocks the event loop, and every call
 * with it, whenever the reader of a pipe falls behind; an uncapped asynchronous one grows without
 * end. At the cap a line is dropped and counted in {@link LOG_SINK_DROPS} (and on /metrics). pino
 * flushes what is queued when the process exits.
 */
export function boundedLogSink(fd = 1, maxBufferedBytes = DEFAULT_LOG_BUFFER_BYTES): DestinationStream {
  const sink = pino.destination({ dest: fd, sync: false, maxLength: maxBufferedBytes, minLength: 0 });
  sink.on('drop', (data: string | Buffer) => {
    LOG_SINK_DROPS.lines++;
    LOG_SINK_DROPS.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  });
  return sink;
}
