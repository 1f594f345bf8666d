import type { AttackReport } from './attackTally.js';
import type { HeldSocketsOptions } from './heldSockets.js';

/** What the parent tells a silent-socket worker. */
export type SilentWorkerCommand = ({ readonly type: 'start'; readonly durationMs: number } & HeldSocketsOptions) | { readonly type: 'stop' };

/** What a silent-socket worker tells its parent: its counters so far, and once more when it is done. */
export type SilentWorkerMessage = { readonly type: 'progress' | 'done'; readonly report: AttackReport };
