import { spawn, type ChildProcess } from 'node:child_process';
import type { AttackRequest } from './attacks.js';
import type { AttackReport } from './attackTally.js';
import type { AttackerCommand, AttackerMessage } from './attackerProtocol.js';
import { OWN_ROOT, nodeArgsForSibling } from './childModule.js';
import { reapOnExit, stopChild } from './childReaper.js';

/** Scheduling niceness of the attacker process (0 is normal, 19 the lowest priority). */
const ATTACKER_NICENESS = 10;

/** The bench's side of an attacker process (`attackerMain.ts`), pinned to its own core. */
export class AttackerProcess {
  /** The attack's counters as last reported (every second). */
  latest: AttackReport<object> | undefined;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /**
   * Starts the process, pinned to `core` (null: not pinned), at a lower scheduling priority (nice
   * 10, inherited by its workers): the bench's good call and sampler share the machine with it,
   * and a good call whose own sender stalls would lose audio the engine is not to blame for.
   */
  static start(core: number | null): AttackerProcess {
    const node = [process.execPath, ...nodeArgsForSibling('attackerMain')];
    const pinned = core === null ? node : ['taskset', '-c', String(core), ...node];
    const options = { cwd: OWN_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[] };
    // nice and taskset exec in place: the IPC channel and the pid carry over to node.
    const child = spawn('nice', ['-n', String(ATTACKER_NICENESS), ...pinned], options);
    reapOnExit(child);
    return new AttackerProcess(child);
  }

  /** Runs `request`; resolves with its report, rejects if the attack failed or the process died. */
  run(request: AttackRequest): Promise<AttackReport<object>> {
    return new Promise((resolve, reject) => {
      this.#child.on('message', (message: AttackerMessage) => {
        if (message.type === 'failed') reject(new Error(`the attack failed: ${message.message}`));
        else if (message.type === 'done') resolve(message.report);
        else this.latest = message.report;
      });
      this.#child.once('exit', (code, signal) => reject(new Error(`the attacker process exited (code ${code}, signal ${signal}) before reporting`)));
      this.#child.send({ type: 'run', request } satisfies AttackerCommand);
    });
  }

  /** Asks the attack to stop now (it reports as usual). */
  stop(): void {
    if (this.#child.connected) this.#child.send({ type: 'stop' } satisfies AttackerCommand);
  }

  /** Ends the process (after the report, or to clean up). */
  kill(): Promise<void> {
    return stopChild(this.#child, 20_000);
  }
}
