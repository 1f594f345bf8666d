import { pino, type DestinationStream } from 'pino';
import type { SonicBoom } from 'sonic-boom';

/** Bytes a log sink holds unwritten before it drops lines: far more than a healthy engine ever queues. */
export const DEFAULT_LOG_BUFFER_BYTES = 8 * 1024 * 1024;

/** Lines every bounded sink in this process dropped because its file or pipe could not keep up. */
export const LOG_SINK_DROPS = { lines: 0, bytes: 0 };

/** Every bounded sink made in this process, so it can wait for them before it exits. */
const liveSinks = new Set<SonicBoom>();

/**
 * The engine's log destination: asynchronous writes to a file descriptor (stdout by default) with a
 * hard cap on what waits to be written. A synchronous sink blocks the event loop, and every call
 * with it, whenever the reader of a pipe falls behind; an uncapped asynchronous one grows without
 * end. At the cap a line is dropped and counted in {@link LOG_SINK_DROPS} (and on /metrics). pino
 * flushes what is queued when the process exits.
 */
export function boundedLogSink(fd = 1, maxBufferedBytes = DEFAULT_LOG_BUFFER_BYTES): DestinationStream & SonicBoom {
  const sink = pino.destination({ dest: fd, sync: false, maxLength: maxBufferedBytes, minLength: 0 });
  sink.on('drop', (data: string | Buffer) => {
    LOG_SINK_DROPS.lines++;
    LOG_SINK_DROPS.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  });
  liveSinks.add(sink);
  sink.once('close', () => liveSinks.delete(sink));
  return sink;
}

/**
 * Resolves once every bounded sink has written all it holds, or after `graceMs` if a reader has
 * stopped reading. Call it before `process.exit`: pino's exit hook writes what is still queued, but
 * not the write already handed to the thread pool, so without the wait the last line logged (the
 * drain's, say) is lost now and then.
 */
export function whenLogsWritten(graceMs = 2000): Promise<void> {
  const waiting = [...liveSinks].filter((sink) => unwrittenBytes(sink) > 0);
  if (waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, graceMs);
    let left = waiting.length;
    for (const sink of waiting) {
      sink.once('drain', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/** Bytes `sink` accepted and has not yet written; sonic-boom keeps the count but does not publish it. */
function unwrittenBytes(sink: SonicBoom): number {
  const count = (sink as unknown as { _len?: unknown })._len;
  return typeof count === 'number' ? count : 0;
}
