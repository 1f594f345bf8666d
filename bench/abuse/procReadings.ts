/**
 * What the abuse bench reads about the engine process from /proc (Linux), and the small statistics
 * it reports. The parsers are pure; the readers return undefined once the process is gone.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** `VmRSS` of a /proc/PID/status text, in kB; undefined when the line is missing (a zombie has none). */
export function parseVmRssKb(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match === null ? undefined : Number(match[1]);
}

/** Resident memory of process `pid` in MB (10^6 bytes), or undefined if it is gone. */
export function readRssMb(pid: number): number | undefined {
  try {
    const kb = parseVmRssKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb === undefined ? undefined : (kb * 1024) / 1e6;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of process `pid`, or undefined if it is gone. */
export function countOpenFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** The largest of `values`, or undefined for none. */
export function maximum(values: readonly number[]): number | undefined {
  let largest: number | undefined;
  for (const value of values) if (largest === undefined || value > largest) largest = value;
  return largest;
}
