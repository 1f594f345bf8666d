/** (a) of `bench --jitter`: callwire's own playout buffer, default options, on simulated time. */
import type { PlayoutOptions } from '../../codecs/jitter/playoutStage.js';
import { simulateTrace, type TracePacket } from '../../codecs/jitter/simulateTrace.js';
import type { AudioDecoder } from '../../codecs/types.js';
import { earliestPlayoutMs, type ArrivalTrace, type TickGrid } from './arrivalTrace.js';
import { NO_FRAME, type PlayoutOutcome } from './playoutOutcome.js';

/** `sequence_number` of frame 0 (the `start` frame took 1, as on a real stream). */
const FIRST_SEQUENCE = 2;

/**
 * Runs `trace` through a fresh `PlayoutStage` (default options unless `playout` says otherwise) via `simulateTrace`, with ticks on
 * `grid`, frame i carrying `payloadOf(i)` and Telnyx's counters (`sequence_number` from 2, `chunk`
 * from 1, `timestamp` in ms).
 *
 * @remarks The stage decodes and conceals for real, so its quiet-frame decisions see real audio.
 * Ticks run from the first one at or after the first arrival until every frame has been played or
 * given up (one second after the last arrival, past the overflow limit).
 */
export function playWithCallwire(
  trace: ArrivalTrace,
  payloadOf: (frameIndex: number) => Uint8Array,
  decoder: AudioDecoder,
  grid: TickGrid,
  playout?: PlayoutOptions,
): PlayoutOutcome {
  const packets: TracePacket[] = new Array<TracePacket>(trace.arrivalsMs.length);
  for (let n = 0; n < packets.length; n++) {
    const index = trace.frameIndices[n] ?? 0;
    packets[n] = {
      arrivalMs: trace.arrivalsMs[n] ?? 0,
      sequenceNumber: index + FIRST_SEQUENCE,
      chunk: index + 1,
      timestamp: index * trace.frameMs,
      payload: payloadOf(index),
    };
  }
  const delays = new Float64Array(trace.delivered);
  const playedFrame = new Uint8Array(trace.frameCount);
  let played = 0;
  let windowTicks = 0;
  let concealedTicks = 0;
  let insertedTicks = 0;
  // Ticks since the last played frame, not yet known to be inside the window.
  let pendingTicks = 0;
  let pendingConcealed = 0;
  let pendingInserted = 0;
  let insertedSoFar = 0;
  let started = false;
  // What was heard from the first played frame on; cut back to the last one at the end.
  const heard: number[] = [];
  const audio = new GrowingSamples();
  let heardInWindow = 0;
  let audioInWindow = 0;
  const first = trace.arrivalsMs[0];
  if (first === undefined) return emptyOutcome(trace);
  const result = simulateTrace(packets, {
    decoder,
    ...(playout === undefined ? {} : { playout }),
    startMs: grid.atOrAfter(first),
    onFrame: (frame, tickMs, stage) => {
      const inserted = stage.stats.driftInserted !== insertedSoFar;
      insertedSoFar = stage.stats.driftInserted;
      // A frame may carry the end of one packet and the start of the next (time-stretched speech):
      // a packet plays from where its first sample is. The frame is placed in the source from the last
      // packet starting in it: a pitch period cut at the front of the frame moves that packet's start,
      // and the audio before it, but not an earlier packet starting at the very front.
      if (frame.kind === 'speech' || started) {
        const last = stage.playedInTick - 1;
        heard.push(last >= 0 ? stage.playedSequenceNumber(last) - FIRST_SEQUENCE - stage.playedOffsetMs(last) / stage.frameMs : NO_FRAME);
        audio.append(frame.samples, frame.sampleCount);
        if (frame.kind === 'speech') {
          heardInWindow = heard.length;
          audioInWindow = audio.length;
        }
      }
      for (let p = 0; p < stage.playedInTick; p++) {
        const index = stage.playedSequenceNumber(p) - FIRST_SEQUENCE;
        if (playedFrame[index] === 0) {
          playedFrame[index] = 1;
          delays[played++] = tickMs + stage.playedOffsetMs(p) - earliestPlayoutMs(trace, index);
        }
      }
      if (frame.kind === 'speech') {
        if (started) {
          windowTicks += pendingTicks;
          concealedTicks += pendingConcealed;
          insertedTicks += pendingInserted;
        }
        started = true;
        windowTicks++;
        pendingTicks = 0;
        pendingConcealed = 0;
        pendingInserted = 0;
        return;
      }
      if (!started) return;
      pendingTicks++;
      if (inserted) pendingInserted++;
      else pendingConcealed++;
    },
  });
  const droppedQuiet = result.stats.driftDropped;
  return {
    delivered: trace.delivered,
    played,
    addedDelayMs: delays.subarray(0, played),
    windowTicks,
    concealedTicks,
    late: trace.delivered - played - droppedQuiet,
    droppedQuiet,
    insertedTicks,
    shortenedMs: result.stats.acceleratedMs,
    lengthenedMs: result.stats.expandedMs,
    heard: Float64Array.from(heard.slice(0, heardInWindow)),
    audio: audio.samples(audioInWindow),
  };
}

/** An append-only PCM16 buffer that doubles as it fills. */
class GrowingSamples {
  #buffer = new Int16Array(8192);
  length = 0;

  append(samples: Int16Array, count: number): void {
    if (this.length + count > this.#buffer.length) {
      const grown = new Int16Array(Math.max(2 * this.#buffer.length, this.length + count));
      grown.set(this.#buffer.subarray(0, this.length));
      this.#buffer = grown;
    }
    this.#buffer.set(samples.subarray(0, count), this.length);
    this.length += count;
  }

  /** A copy of the first `count` samples. */
  samples(count: number): Int16Array {
    return this.#buffer.slice(0, count);
  }
}

function emptyOutcome(trace: ArrivalTrace): PlayoutOutcome {
  return {
    delivered: trace.delivered,
    played: 0,
    addedDelayMs: new Float64Array(0),
    windowTicks: 0,
    concealedTicks: 0,
    late: 0,
    droppedQuiet: 0,
    insertedTicks: 0,
    shortenedMs: 0,
    lengthenedMs: 0,
    heard: new Float64Array(0),
    audio: new Int16Array(0),
  };
}
