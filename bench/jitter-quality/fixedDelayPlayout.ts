/** (b) and (d) of `bench --jitter`: a buffer that plays every frame a fixed delay after its earliest possible time. */
import { earliestPlayoutMs, type ArrivalTrace, type TickGrid } from './arrivalTrace.js';
import { NO_FRAME, type PlayoutOutcome } from './playoutOutcome.js';

/**
 * Plays frame i at the first tick at or after (i × frameMs + transit floor + `delayMs`); a frame
 * that has not arrived by then is late and its tick concealed.
 *
 * @remarks The grid has one tick per frame, so every frame waits the same: `delayMs` rounded up to
 * the grid. Like Asterisk's `fixedjitterbuf` or GStreamer's `latency`, it never adapts.
 */
export function playFixedDelay(trace: ArrivalTrace, delayMs: number, grid: TickGrid): PlayoutOutcome {
  const delays = new Float64Array(trace.delivered);
  const playedMask = new Uint8Array(trace.frameCount);
  let played = 0;
  let late = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < trace.frameCount; i++) {
    const arrival = trace.firstArrivalMs[i] ?? Number.NaN;
    if (Number.isNaN(arrival)) continue;
    const earliest = earliestPlayoutMs(trace, i);
    const tick = grid.atOrAfter(earliest + delayMs);
    if (arrival > tick) {
      late++;
      continue;
    }
    delays[played++] = tick - earliest;
    playedMask[i] = 1;
    if (first < 0) first = i;
    last = i;
  }
  const windowTicks = played > 0 ? last - first + 1 : 0;
  // One tick per frame: tick t of the window is frame first + t, or its concealment.
  const heard = new Float64Array(windowTicks).fill(NO_FRAME);
  for (let t = 0; t < windowTicks; t++) if (playedMask[first + t] === 1) heard[t] = first + t;
  return {
    delivered: trace.delivered,
    played,
    addedDelayMs: delays.subarray(0, played),
    windowTicks,
    concealedTicks: windowTicks - played,
    late,
    droppedQuiet: 0,
    insertedTicks: 0,
    shortenedMs: 0,
    lengthenedMs: 0,
    heard,
  };
}
