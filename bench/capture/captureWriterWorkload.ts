/**
 * A capture writer that buffers every frame it is given and never writes, for measuring what the
 * per-frame calls allocate (writerAllocations.ts here and engine/capture/allocations.test.ts).
 */
import { ManualClock } from '../../engine/clock.js';
import { CAPTURE_CHUNK_BYTES, CaptureChunkPool } from '../../engine/capture/captureChunkPool.js';
import { CaptureWriter } from '../../engine/capture/captureWriter.js';

/** A frame as Telnyx sends it: PCMU, 160 bytes of payload. */
export const PCMU_MEDIA_FRAME = Buffer.from(
  JSON.stringify({
    event: 'media',
    sequence_number: '4242',
    media: { track: 'inbound', chunk: '4241', timestamp: '84800', payload: Buffer.alloc(160, 0x7f).toString('base64') },
    stream_id: '32de0dea-53cb-4b21-89a4-9610b0bdbd11',
  }),
  'utf8',
);

/** What the engine sends for 60 ms of PCMU. */
export const PCMU_OUTBOUND_FRAME = JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(480, 0xff).toString('base64') } });

/**
 * A writer whose pool already holds chunks for `frames` frames of `frameBytes`, and whose timer
 * never fires (manual clock), so every call stays on the hot path.
 */
export function bufferingWriter(frames: number, frameBytes: number): CaptureWriter {
  // Frames never straddle chunks, so a chunk's tail can go unused: one frame's worth per chunk.
  const bytes = Math.ceil((frames * frameBytes) / (CAPTURE_CHUNK_BYTES - frameBytes)) * CAPTURE_CHUNK_BYTES + CAPTURE_CHUNK_BYTES;
  const chunks = bytes / CAPTURE_CHUNK_BYTES;
  const pool = new CaptureChunkPool(chunks);
  const taken: Buffer[] = [];
  for (let i = 0; i < chunks; i++) taken.push(pool.take());
  for (const chunk of taken) pool.give(chunk);
  return new CaptureWriter('/nonexistent', { callId: 'alloc', serviceHost: 'echo.default', startedAt: new Date(0).toISOString(), inbound: null, outbound: null }, {
    clock: new ManualClock(),
    pool,
    maxBufferedBytes: bytes,
    maxBufferedEvents: frames + 1,
    maxFileBytes: Number.MAX_SAFE_INTEGER,
    openFile: () => Promise.reject(new Error('this writer never writes')),
  });
}
