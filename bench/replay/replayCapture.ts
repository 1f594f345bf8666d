/**
 * A replay written back as a capture (format v1): what was sent, at the times it actually went out,
 * and what the engine answered, so two runs (or a run and the original recording) can be compared.
 */
import { CAPTURE_MAGIC, CAPTURE_VERSION, type Capture, type CaptureEvent } from '../capture/captureFormat.js';
import { isSingleLineJson } from '../capture/encodeCapture.js';
import type { ReplayRecording } from './replaySession.js';

/** `recording` as a capture; engine messages that are not single-line JSON are left out (they are violations anyway). */
export function replayAsCapture(recording: ReplayRecording, startedAt: Date): Capture {
  const { plan } = recording;
  const events: CaptureEvent[] = [];
  plan.sends.forEach((item, index) => {
    const at = recording.sentAtMs[index] ?? Number.NaN;
    if (Number.isNaN(at)) return;
    const kind = item.binary ? 'in-bin' : isSingleLineJson(item.data) ? 'in' : 'in-text';
    events.push({ kind, t: micros(at), data: item.data });
  });
  for (const message of recording.received) {
    if (!message.binary && isSingleLineJson(message.data)) events.push({ kind: 'out', t: micros(message.atMs), data: message.data });
  }
  // Stable: at equal times, sends stay before what came back.
  events.sort((a, b) => a.t - b.t);
  events.push({ kind: 'close', t: Math.max(micros(recording.close.atMs), events.at(-1)?.t ?? 0), code: recording.close.code, reason: recording.close.reason });
  return {
    header: {
      callwire: CAPTURE_MAGIC,
      version: CAPTURE_VERSION,
      callId: `${plan.callId}-replay`,
      serviceHost: plan.serviceHost,
      startedAt: startedAt.toISOString(),
      inbound: plan.inbound,
      outbound: plan.outbound,
      note: `callwire replay of ${plan.callId} against ${recording.url}`,
    },
    events,
  };
}

function micros(ms: number): number {
  return Math.max(0, Math.round(ms * 1000));
}
