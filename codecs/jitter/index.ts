/** Public surface of `codecs/jitter/`: the inbound reorder and playout stages, their stats and the trace simulator. */
export type { OrderedPacket } from './bufferedPacket.js';
export type { JitterStatsSnapshot } from './jitterStats.js';
export { JitterStats } from './jitterStats.js';
export type { KeySource } from './packetKeys.js';
export { PacerTicks } from './pacerTicks.js';
export type { PlayoutOptions } from './playoutStage.js';
export { PlayoutStage } from './playoutStage.js';
export type { PushOutcome, ReorderOptions } from './reorderStage.js';
export { DEFAULT_REORDER_CAPACITY, DEFAULT_RESET_AHEAD, DEFAULT_RESTART_BEHIND, ReorderStage } from './reorderStage.js';
export { SERIAL16, SERIAL32, serialDelta16, serialDelta32 } from './serial.js';
export type { SimulateTraceOptions, TracePacket, TraceResult } from './simulateTrace.js';
export { simulateTrace } from './simulateTrace.js';
export type { TargetDelayOptions } from './targetDelay.js';
export { DEFAULT_TARGET_DELAY } from './targetDelay.js';
export type { TimeStretchOptions } from './timeStretch.js';
export { TimeStretch } from './timeStretch.js';
export type { WaveformSubstitutionOptions } from './waveformSubstitution.js';
export { WaveformSubstitution } from './waveformSubstitution.js';
