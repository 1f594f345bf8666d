import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The first `model name` of /proc/cpuinfo, or what Node reports where that file does not exist. */
export function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // Not Linux: fall through.
  }
  return cpus()[0]?.model ?? 'unknown';
}
