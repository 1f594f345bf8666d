/**
 * A silent-socket worker process (started by `silentSockets`): holds its share of the connections,
 * which its own descriptor limit bounds, reports its counters every 500 ms over IPC, and stops on
 * `stop`, at its deadline, or when its parent goes away.
 */
import { AttackDeadline } from './attackDeadline.js';
import { AttackTally } from './attackTally.js';
import { holdSilentSockets } from './heldSockets.js';
import type { SilentWorkerCommand, SilentWorkerMessage } from './silentSocketsProtocol.js';

const PROGRESS_INTERVAL_MS = 500;

function post(message: SilentWorkerMessage): void {
  // The parent may be gone already (interrupted): then there is nobody to tell. With a callback,
  // a failed send is reported there instead of as an 'error' event that would crash the process.
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
}

process.once('message', (command: SilentWorkerCommand) => {
  if (command.type !== 'start') return;
  const tally = new AttackTally();
  // The parent stops the worker; the deadline (well after the parent's, whose clock starts once a
  // worker is up) and a lost parent are the fallbacks.
  const deadline = new AttackDeadline(command.durationMs + 30_000);
  process.on('message', (next: SilentWorkerCommand) => {
    if (next.type === 'stop') deadline.stop();
  });
  process.once('disconnect', () => deadline.stop());
  const report = (): void => post({ type: 'progress', report: tally.report('silent-sockets', {}) });
  // At once too: the parent starts the attack's clock when its first worker is up.
  report();
  const progress = setInterval(report, PROGRESS_INTERVAL_MS);
  void holdSilentSockets(command, tally, deadline.signal).then(() => {
    clearInterval(progress);
    post({ type: 'done', report: tally.report('silent-sockets', {}) });
    if (process.connected) process.disconnect?.();
  });
});
