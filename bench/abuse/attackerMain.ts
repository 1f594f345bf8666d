/**
 * The attacker process of `callwire bench --abuse`: runs one attack (pinned to its own core by the
 * bench), reports its counters every second over IPC, and stops on `stop`, at the attack's own
 * deadline, or when the bench goes away. Its own children (silent-socket workers) die with it.
 */
import { runAttack } from './attacks.js';
import { AttackTally } from './attackTally.js';
import type { AttackerCommand, AttackerMessage } from './attackerProtocol.js';
import { killChildrenOnSignals } from './childReaper.js';

killChildrenOnSignals();

function post(message: AttackerMessage): void {
  // The parent may be gone already (interrupted): then there is nobody to tell. With a callback,
  // a failed send is reported there instead of as an 'error' event that would crash the process.
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
}

process.once('message', (command: AttackerCommand) => {
  if (command.type !== 'run') return;
  const tally = new AttackTally();
  const stop = new AbortController();
  process.on('message', (next: AttackerCommand) => {
    if (next.type === 'stop') stop.abort();
  });
  process.once('disconnect', () => stop.abort());
  const progress = setInterval(() => post({ type: 'progress', report: tally.report(command.request.attack, {}) }), 1000);
  runAttack(command.request, stop.signal, tally).then(
    (report) => post({ type: 'done', report }),
    (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  ).finally(() => {
    clearInterval(progress);
    if (process.connected) process.disconnect?.();
  });
});
