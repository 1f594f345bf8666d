import type { AttackReport } from './attackTally.js';
import type { EngineSample } from './engineSampler.js';

/** Sums the counts of a by-key record. */
export function total(counts: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const n of Object.values(counts)) sum += n;
  return sum;
}

/** One progress line (stderr) while an attack runs: the engine's latest readings and the attack's counters. */
export function describeProgress(
  name: string,
  attackStart: number,
  sample: EngineSample | undefined,
  answered: EngineSample | undefined,
  attack: AttackReport<object> | undefined,
  engineDead: boolean,
): string {
  const seconds = Math.round((performance.now() - attackStart) / 1000);
  const parts: string[] = [];
  if (engineDead) parts.push('engine DEAD');
  else if (sample !== undefined) {
    const probe = answered?.healthz;
    const health = probe === undefined ? 'no answer yet' : 'ms' in probe ? `${probe.ms.toFixed(0)} ms` : probe.error;
    parts.push(`engine RSS ${sample.rssMb?.toFixed(0) ?? '?'} MB, ${sample.fds ?? '?'} fds, log ${(sample.logBytes / 1e6).toFixed(1)} MB, /healthz ${health}`);
  }
  if (attack !== undefined) {
    parts.push(
      `attack: ${attack.open} open, ${attack.connectionsOpened.toLocaleString('en-US')} opened, ${total(attack.refusedByStatus).toLocaleString('en-US')} refused, ` +
        `${attack.messagesSent.toLocaleString('en-US')} messages, ${(attack.bytesSent / 1e6).toFixed(0)} MB sent`,
    );
  }
  return `${name} +${seconds} s: ${parts.join(' | ')}`;
}
