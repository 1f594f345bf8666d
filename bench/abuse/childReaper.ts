/**
 * Keeps track of the child processes the abuse bench starts (engine, attacker, socket workers) so
 * none outlives it: they are killed when this process exits, and on Ctrl-C or SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
let signalHooksInstalled = false;

/** Kills every child still running (SIGKILL: nothing of theirs needs to be saved). */
export function killChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

/** Registers `child` to be killed if this process exits first. */
export function reapOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killChildren);
}

/**
 * On SIGINT or SIGTERM, kills the children and exits with 130 (143 for SIGTERM). A process killed
 * by a signal runs no `exit` hook, so without this a Ctrl-C would leave the engine running.
 */
export function killChildrenOnSignals(): void {
  if (signalHooksInstalled) return;
  signalHooksInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      killChildren();
      process.exit(code);
    });
  }
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when `child` has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
