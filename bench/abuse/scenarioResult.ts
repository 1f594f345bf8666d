import type { AttackReport } from './attackTally.js';
import type { GoodCallOutcome } from './goodCall.js';
import type { EngineFigures, TimelinePoint } from './runFigures.js';

/** Everything one scenario measured: the attack's own report, the good call, the engine. */
export interface ScenarioResult {
  readonly scenario: string;
  /** What the attack did, in words. */
  readonly summary: string;
  /** How long the attack actually ran, in seconds. */
  readonly attackSeconds: number;
  /** The attacker's report; undefined when the attack failed to run. */
  readonly attack: AttackReport<object> | undefined;
  /** Why the attack failed to run, if it did. */
  readonly attackError: string | undefined;
  /** Undefined when the scenario failed before the good call started. */
  readonly goodCall: GoodCallOutcome | undefined;
  readonly engine: EngineFigures;
  /** Longest event-loop stall of the bench itself during the attack (ms): a gap this large may be the bench's. */
  readonly benchStallMaxMs: number;
  /** File with the last 64 KB of the engine's log. */
  readonly logTailFile: string;
  readonly timeline: readonly TimelinePoint[];
}
