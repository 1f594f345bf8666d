import type { EngineStatsSnapshot } from '../engineStats.js';

/** The primary's own share of the machine: CPU and memory, which no worker reports. */
export interface ProcessShare {
  readonly cpu: { readonly userMicros: number; readonly systemMicros: number };
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number; readonly externalBytes: number };
}

/** This process's CPU and memory, as a {@link ProcessShare}. */
export function thisProcessShare(): ProcessShare {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { cpu: { userMicros: cpu.user, systemMicros: cpu.system }, memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external + memory.arrayBuffers } };
}

/**
 * One `/stats` for a cluster: counters, CPU and memory are summed over the workers and the primary
 * (the machine's cost); the event-loop delay is the worst worker's (a call feels its own worker's
 * loop, so the worst is what some callers get); uptime is the oldest worker's.
 */
export function sumSnapshots(workers: readonly EngineStatsSnapshot[], primary: ProcessShare): EngineStatsSnapshot {
  const endedByReason: Record<string, number> = {};
  let ticks = 0;
  let delayWeighted = 0;
  for (const snapshot of workers) {
    for (const [reason, count] of Object.entries(snapshot.calls.endedByReason)) endedByReason[reason] = (endedByReason[reason] ?? 0) + count;
    ticks += snapshot.jitter.ticks;
    delayWeighted += snapshot.jitter.addedDelayMeanMs * snapshot.jitter.ticks;
  }
  const sum = (read: (snapshot: EngineStatsSnapshot) => number): number => workers.reduce((total, snapshot) => total + read(snapshot), 0);
  const max = (read: (snapshot: EngineStatsSnapshot) => number): number => workers.reduce((most, snapshot) => Math.max(most, read(snapshot)), 0);
  return {
    uptimeMs: max((s) => s.uptimeMs),
    cpu: { userMicros: primary.cpu.userMicros + sum((s) => s.cpu.userMicros), systemMicros: primary.cpu.systemMicros + sum((s) => s.cpu.systemMicros) },
    memory: {
      rssBytes: primary.memory.rssBytes + sum((s) => s.memory.rssBytes),
      heapUsedBytes: primary.memory.heapUsedBytes + sum((s) => s.memory.heapUsedBytes),
      externalBytes: primary.memory.externalBytes + sum((s) => s.memory.externalBytes),
    },
    eventLoopDelayMs: { p50: max((s) => s.eventLoopDelayMs.p50), p99: max((s) => s.eventLoopDelayMs.p99), max: max((s) => s.eventLoopDelayMs.max), mean: max((s) => s.eventLoopDelayMs.mean) },
    calls: { active: sum((s) => s.calls.active), started: sum((s) => s.calls.started), ended: sum((s) => s.calls.ended), endedByReason },
    frames: { in: sum((s) => s.frames.in), out: sum((s) => s.frames.out), messagesOut: sum((s) => s.frames.messagesOut), rejected: sum((s) => s.frames.rejected) },
    jitter: {
      ticks,
      concealedFrames: sum((s) => s.jitter.concealedFrames),
      silenceFrames: sum((s) => s.jitter.silenceFrames),
      underruns: sum((s) => s.jitter.underruns),
      late: sum((s) => s.jitter.late),
      lost: sum((s) => s.jitter.lost),
      addedDelayMeanMs: ticks === 0 ? 0 : delayWeighted / ticks,
      addedDelayP95MaxMs: max((s) => s.jitter.addedDelayP95MaxMs),
    },
  };
}
