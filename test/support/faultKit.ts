import { expect } from 'vitest';
import type { EngineStatsSnapshot } from '../../engine/engineStats.js';
import { DEFAULT_OUTBOUND_TIMING } from '../../engine/outboundStream.js';
import type { CallSession } from '../../engine/session/callSession.js';
import type { EchoReport } from './healthyEcho.js';
import type { ObservedEngine } from './observedEngine.js';
import type { StallMonitor } from './stallMonitor.js';
import { EVENT_WAIT_MS } from './eventWait.js';

/**
 * Longest pause allowed between two outbound messages of a healthy call while another call
 * misbehaves: the audio one message carries (they arrive that far apart when all is well) and 90 ms.
 */
export const MAX_HEALTHY_GAP_MS = DEFAULT_OUTBOUND_TIMING.framesPerMessage * 20 + 90;

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls every 5 ms until `predicate` holds; throws naming `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = EVENT_WAIT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** The live call of agent `agent` (org `test`), once the engine has accepted it. */
export async function sessionOf(engine: ObservedEngine, agent: string): Promise<CallSession> {
  let found: CallSession | undefined;
  await until(() => {
    found = engine.calls.values().find((session) => session.agent.name === agent && session.agent.org === 'test');
    return found !== undefined;
  }, `a call of ${agent}.test`);
  return found!;
}

/** How many calls ended with `reason` between two snapshots. */
export function endedSince(before: EngineStatsSnapshot, after: EngineStatsSnapshot, reason: string): number {
  return (after.calls.endedByReason[reason] ?? 0) - (before.calls.endedByReason[reason] ?? 0);
}

/** How strictly {@link expectUntouched} judges a healthy call. */
export interface UntouchedOptions {
  /** Stalls seen while the call ran; frames and gaps they explain are excused. */
  readonly stalls: StallMonitor;
  /** Longest allowed pause in the call's outbound audio, on top of the longest machine stall. */
  readonly maxGapMs?: number;
  /** Excuse the process's own stalls too (when the test itself loads this event loop), not only the machine's. */
  readonly excuseOwnStalls?: boolean;
}

/**
 * The healthy call heard every frame it sent, in order, and ended normally; with `maxGapMs`, its
 * outbound audio also never paused longer than that.
 *
 * @remarks Frames a stall of the shared machine could have cost (the operating system not running
 * this process, see {@link StallMonitor}) are excused: the jitter buffer rightly drops audio that
 * arrives far too late, and no engine can pace while it is not scheduled. On a quiet machine there
 * are none and every frame must come back.
 */
export function expectUntouched(report: EchoReport, options: UntouchedOptions): void {
  const { stalls, maxGapMs, excuseOwnStalls = false } = options;
  expect(report.closed).toEqual({ code: 1000, reason: 'stream_stopped' });
  expect(report.violations).toEqual([]);
  expect(report.outOfOrderFrames).toBe(0);
  const excused = stalls.framesAtRisk(excuseOwnStalls);
  expect(report.sentFrames - report.matchedFrames, `frames not echoed; stalls: ${stalls.describe()}`).toBeLessThanOrEqual(excused);
  expect(report.matchedFrames).toBeGreaterThan(0);
  if (maxGapMs !== undefined) {
    // Excused: the longest machine stall, or all the machine stalls inside the gap when several
    // back to back made it (the process was not running for that long of it).
    const inside = stalls.machineStalledMsWithin(report.maxGapEndAt - report.maxGapMs, report.maxGapEndAt);
    expect(report.maxGapMs, `longest outbound gap; stalls: ${stalls.describe()}`).toBeLessThan(maxGapMs + Math.max(stalls.longestMachineStallMs(), inside));
  }
}

/** A `media` frame with `payload` (any string), without counters so it takes no sequence number. */
export function looseMediaFrame(payload: string): string {
  return JSON.stringify({ event: 'media', media: { track: 'inbound', payload } });
}
