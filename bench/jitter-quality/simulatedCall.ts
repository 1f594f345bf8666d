/** One simulated call of `bench --jitter`: its impaired schedule, tick grid and audio, from the run seed. */
import { deriveSeed, impairSchedule, SeededRandom, type ImpairedSchedule, type ImpairmentProfile } from '../impair/index.js';
import { arrivalTrace, TickGrid, type ArrivalTrace } from './arrivalTrace.js';
import type { CallMedia } from './callMedia.js';

/** What every strategy of a call shares. */
export interface SimulatedCall {
  readonly schedule: ImpairedSchedule;
  readonly trace: ArrivalTrace;
  /** The playout clock, its phase drawn per call. */
  readonly grid: TickGrid;
  readonly media: CallMedia;
  /** First payload of `media` the call carries; frame i carries payload (offset + i), looped. */
  readonly offset: number;
}

/**
 * Call `call` of a run seeded `seed` under `profile`: call c uses `deriveSeed(seed, c)` under every
 * profile, so profiles share the underlying calls, and carries `media[c % media.length]`.
 */
export function simulatedCall(profile: ImpairmentProfile, seed: number, call: number, frameCount: number, media: readonly CallMedia[]): SimulatedCall {
  const callSeed = deriveSeed(seed, call);
  const source = media[call % media.length]!;
  // Its own stream: the phase and the audio do not change when a profile draws more or less.
  const random = new SeededRandom(deriveSeed(callSeed, 0x6a17));
  const grid = new TickGrid(random.uniformBetween(0, 20));
  const offset = random.integerBetween(0, source.payloads.length - 1);
  const schedule = impairSchedule(frameCount, profile, callSeed);
  return { schedule, trace: arrivalTrace(schedule), grid, media: source, offset };
}

/** The payload frame `frameIndex` of `call` carries. */
export function payloadOf(call: SimulatedCall, frameIndex: number): Uint8Array {
  const payloads = call.media.payloads;
  return payloads[(call.offset + frameIndex) % payloads.length]!;
}
