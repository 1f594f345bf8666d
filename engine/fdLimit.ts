import { readFileSync } from 'node:fs';

/** Connections allowed when the process's file-descriptor limit cannot be read (not Linux). */
const FALLBACK_MAX_CONNECTIONS = 10_000;
/** Descriptors kept back from connections for files (logs, captures, recordings) and outgoing requests. */
const RESERVED_DESCRIPTORS = 512;

/** The process's soft limit on open files, from /proc/self/limits; undefined where that cannot be read. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (line === null) return undefined;
  return line[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line[1]);
}

/**
 * The default cap on open connections: below the file-descriptor limit with room to spare, so a
 * flood of connections can never take the descriptors that files and new calls need.
 */
export function defaultMaxConnections(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(64, Math.min(limit - RESERVED_DESCRIPTORS, Math.floor(limit * 0.9)));
}
