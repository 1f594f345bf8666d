import type { EndReason } from '../../bots/api.js';
import type { JitterStats } from '../../codecs/jitter/jitterStats.js';
import type { DtmfOrderingStats } from '../dtmfOrdering.js';
import type { CallSummary } from '../engineStats.js';
import type { Logger } from '../logger.js';
import type { OutboundStats } from '../outboundStream.js';
import type { CallStats } from './callStats.js';

/** Everything a call's end is summed up from. */
export interface EndedCall {
  readonly reason: EndReason;
  readonly durationMs: number;
  readonly stats: CallStats;
  /** Counters of the outbound side; undefined when the call never streamed. */
  readonly outbound: OutboundStats | undefined;
  readonly jitter: JitterStats;
  /** The unit the jitter buffer learned for `media.timestamp` (Telnyx leaves it undocumented); NaN when sequence numbers alone timed the audio. */
  readonly inboundTimestampStep: number;
  readonly dtmf: DtmfOrderingStats;
  /** Fields the bot added to the call's last log line. */
  readonly annotations: ReadonlyMap<string, unknown>;
}

/** What an ended call adds to the engine's totals. */
export function summarizeCall(call: EndedCall): CallSummary {
  const { stats, outbound, jitter } = call;
  return {
    reason: call.reason,
    durationMs: call.durationMs,
    framesIn: stats.framesIn,
    framesOut: outbound?.framesSent ?? 0,
    messagesOut: outbound?.messagesSent ?? 0,
    rejectedFrames: stats.rejectedFrames,
    jitter: {
      ticks: jitter.ticks,
      concealedFrames: jitter.concealedFrames,
      silenceFrames: jitter.silenceFrames,
      underruns: jitter.underruns,
      late: jitter.late,
      lost: jitter.lost,
      addedDelayMeanMs: Math.round(jitter.addedDelayMeanMs * 10) / 10,
      addedDelayP95Ms: jitter.addedDelayP95Ms,
    },
  };
}

/** Logs a call's last line, `call ended`: its summary and every detail worth a look afterwards. */
export function logCallEnded(log: Logger, summary: CallSummary, call: EndedCall): void {
  const { stats, outbound, jitter, dtmf, annotations } = call;
  const timestampStep = call.inboundTimestampStep;
  log.info(
    {
      ...summary,
      concealedPercent: jitter.ticks === 0 ? 0 : Math.round((jitter.concealedFrames / jitter.ticks) * 1000) / 10,
      marksOut: outbound?.marksSent ?? 0,
      outboundUnderruns: outbound?.underruns ?? 0,
      rejectedByCode: Object.fromEntries(stats.rejectedByCode),
      telnyxErrors: stats.telnyxErrors,
      otherTrackFrames: stats.otherTrackFrames,
      outboundDropped: stats.outboundDropped,
      ...(timestampStep > 0 ? { inboundTimestampStep: timestampStep } : {}),
      ...(dtmf.delivered + dtmf.duplicates === 0 ? {} : { dtmf: { ...dtmf } }),
      ...(annotations.size === 0 ? {} : { bot: Object.fromEntries(annotations) }),
    },
    'call ended',
  );
}
