import type { AudioFrame } from '../../bots/api.js';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import type { AudioDecoder } from '../types.js';
import type { JitterStatsSnapshot } from './jitterStats.js';
import { PlayoutStage, type PlayoutOptions } from './playoutStage.js';
import type { PushOutcome } from './reorderStage.js';

/** One inbound media packet of a trace: when it arrives and what it carries. */
export interface TracePacket {
  /** Arrival time in ms, on the same scale as the ticks. */
  readonly arrivalMs: number;
  /** Telnyx `sequence_number`; -1 when absent. */
  readonly sequenceNumber: number;
  /** `media.chunk`; -1 or omitted when absent. */
  readonly chunk?: number;
  /** `media.timestamp`; -1 or omitted when absent. */
  readonly timestamp?: number;
  /** Codec payload. */
  readonly payload: Uint8Array;
}

/** How {@link simulateTrace} runs. */
export interface SimulateTraceOptions {
  /** Decoder for the payloads; the stage takes it over (the caller closes it). */
  readonly decoder: AudioDecoder;
  /** Playout settings. */
  readonly playout?: PlayoutOptions;
  /** Time of the first tick; default the first arrival. */
  readonly startMs?: number;
  /** No tick after this time (later packets are never pushed); default the last arrival plus one second, to drain the buffer. */
  readonly endMs?: number;
  /** Sees every emitted frame (a reused object: copy what you keep), its tick time and the stage. */
  readonly onFrame?: (frame: AudioFrame, tickMs: number, stage: PlayoutStage) => void;
  /** Sees what the stage did with each packet, in push order. */
  readonly onPush?: (outcome: PushOutcome, packet: TracePacket) => void;
}

/** What a simulated run produced. */
export interface TraceResult {
  /** The stage's counters at the end of the run. */
  readonly stats: JitterStatsSnapshot;
  /** Packets still buffered when the run ended. */
  readonly buffered: number;
}

/**
 * Runs a recorded or synthetic packet trace through a fresh {@link PlayoutStage} on simulated time:
 * before each 20 ms tick, every packet that has arrived by then is pushed (in arrival order, ties in
 * trace order), through one reused {@link MediaPacket} as the parser does. Pure apart from the
 * callbacks: the same trace always gives the same result, which is what `bench --jitter` and the
 * tests need.
 */
export function simulateTrace(trace: readonly TracePacket[], options: SimulateTraceOptions): TraceResult {
  const stage = new PlayoutStage(options.decoder, options.playout);
  const ordered = trace.map((packet, index) => ({ packet, index }));
  ordered.sort((a, b) => a.packet.arrivalMs - b.packet.arrivalMs || a.index - b.index);
  let largest = 1;
  for (const { packet } of ordered) if (packet.payload.length > largest) largest = packet.payload.length;
  const media = new MediaPacket(largest);

  const first = ordered[0]?.packet.arrivalMs ?? 0;
  const last = ordered.at(-1)?.packet.arrivalMs ?? 0;
  const startMs = options.startMs ?? first;
  const endMs = options.endMs ?? last + 1000;
  let next = 0;
  for (let tick = 0; startMs + tick * stage.frameMs <= endMs; tick++) {
    const tickMs = startMs + tick * stage.frameMs;
    for (; next < ordered.length && ordered[next]!.packet.arrivalMs <= tickMs; next++) {
      const packet = ordered[next]!.packet;
      media.sequenceNumber = packet.sequenceNumber;
      media.chunk = packet.chunk ?? -1;
      media.timestamp = packet.timestamp ?? -1;
      media.payload.set(packet.payload);
      media.length = packet.payload.length;
      const outcome = stage.push(media, packet.arrivalMs);
      options.onPush?.(outcome, packet);
    }
    const frame = stage.tick(tickMs);
    options.onFrame?.(frame, tickMs, stage);
  }
  return { stats: stage.stats.snapshot(), buffered: stage.reorder.bufferedCount };
}
