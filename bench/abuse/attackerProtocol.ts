import type { AttackRequest } from './attacks.js';
import type { AttackReport } from './attackTally.js';

/** What the bench tells its attacker process. */
export type AttackerCommand = { readonly type: 'run'; readonly request: AttackRequest } | { readonly type: 'stop' };

/** What the attacker process tells the bench: its counters every second, then the report or why it failed. */
export type AttackerMessage =
  | { readonly type: 'progress' | 'done'; readonly report: AttackReport<object> }
  | { readonly type: 'failed'; readonly message: string };
