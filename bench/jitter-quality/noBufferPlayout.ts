/** (c) of `bench --jitter`: no buffer at all, frames pass straight through as they arrive. */
import { earliestPlayoutMs, type ArrivalTrace, type TickGrid } from './arrivalTrace.js';
import { NO_FRAME, type PlayoutOutcome } from './playoutOutcome.js';

/**
 * Plays each frame at the first tick at or after its arrival; a frame arriving after a later one
 * was played (reordered) is dropped as late, a second copy is ignored, and a tick that gets no
 * frame is concealed.
 *
 * @remarks What an engine without a jitter buffer does (peers.md §1.2: Pipecat, Vocode, the Twilio
 * samples): zero wait when the network is steady, but every gap is heard, and a burst after a
 * stall is handed over at once (several frames on one tick), so the delay the stall built up is
 * never paid back in playout time, only in lost ticks.
 */
export function playWithoutBuffer(trace: ArrivalTrace, grid: TickGrid): PlayoutOutcome {
  const delays = new Float64Array(trace.delivered);
  const seen = new Uint8Array(trace.frameCount);
  let played = 0;
  let late = 0;
  let highest = -1;
  let firstTick = Number.NaN;
  let lastTick = Number.NaN;
  let ticksWithAudio = 0;
  const heard: number[] = [];
  for (let n = 0; n < trace.arrivalsMs.length; n++) {
    const index = trace.frameIndices[n] ?? 0;
    if (seen[index] === 1) continue;
    seen[index] = 1;
    if (index <= highest) {
      late++;
      continue;
    }
    highest = index;
    const tick = grid.indexAtOrAfter(trace.arrivalsMs[n] ?? 0);
    delays[played++] = grid.tickMs(tick) - earliestPlayoutMs(trace, index);
    if (Number.isNaN(firstTick)) firstTick = tick;
    // Ticks between two with audio had none: the listener heard concealment there.
    else for (let empty = lastTick + 1; empty < tick; empty++) heard.push(NO_FRAME);
    heard.push(index);
    if (tick !== lastTick) ticksWithAudio++;
    lastTick = tick;
  }
  const windowTicks = played > 0 ? lastTick - firstTick + 1 : 0;
  return {
    delivered: trace.delivered,
    played,
    addedDelayMs: delays.subarray(0, played),
    windowTicks,
    concealedTicks: windowTicks - ticksWithAudio,
    late,
    droppedQuiet: 0,
    insertedTicks: 0,
    shortenedMs: 0,
    lengthenedMs: 0,
    heard: Float64Array.from(heard),
  };
}
