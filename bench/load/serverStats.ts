/** What the bench reads from a server's `GET /stats`: the engine's full snapshot, or the baseline's subset. */
import type { EngineStatsSnapshot } from '../../engine/engineStats.js';

/** The part of `/stats` both the engine and the baseline echo server answer. */
export interface ServerStats {
  readonly uptimeMs: number;
  readonly cpu: { readonly userMicros: number; readonly systemMicros: number };
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number };
  /** Since the last `?reset=loop`. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly calls: { readonly active: number; readonly started?: number; readonly ended?: number; readonly endedByReason?: Readonly<Record<string, number>> };
  /** Engine only: jitter buffers of ended calls. */
  readonly jitter?: EngineStatsSnapshot['jitter'];
  /** Engine only. */
  readonly frames?: EngineStatsSnapshot['frames'];
}

/** Reads `statsUrl`; with `resetLoop`, the server starts a new event-loop window after answering. */
export async function fetchStats(statsUrl: string, resetLoop = false, timeoutMs = 5_000): Promise<ServerStats> {
  const url = resetLoop ? `${statsUrl}${statsUrl.includes('?') ? '&' : '?'}reset=loop` : statsUrl;
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as ServerStats;
}

/** Total CPU (user + system) in milliseconds. */
export function cpuMs(stats: ServerStats): number {
  return (stats.cpu.userMicros + stats.cpu.systemMicros) / 1000;
}

/**
 * The server's CPU while `during` runs, in ms per wall-clock second, and its stats at the end; its
 * event-loop window restarts with the span, so the delay figures in `after` are the span's alone.
 */
export async function cpuDuring(statsUrl: string, during: () => Promise<unknown>): Promise<{ readonly msPerSecond: number; readonly after: ServerStats }> {
  const before = await fetchStats(statsUrl, true);
  const startedAt = performance.now();
  await during();
  const after = await fetchStats(statsUrl);
  return { msPerSecond: (cpuMs(after) - cpuMs(before)) / ((performance.now() - startedAt) / 1000), after };
}
