/**
 * One replay over a real WebSocket: the capture's inbound messages go out on their schedule while a
 * {@link TelnyxMediaClient} plays Telnyx's side of what comes back (real-time playout, mark echoes,
 * `clear`). Everything received is kept with its time, for {@link buildReplayReport}.
 */
import { isValidStatusCode } from './closeCodes.js';
import { systemClock } from '../../engine/clock.js';
import { TelnyxMediaClient } from '../telnyx/mediaClient.js';
import { audioMsOf } from './outboundAudio.js';
import type { ReplayPlan } from './replayPlan.js';
import { ReplayScheduler, type ScheduleEnd } from './replayScheduler.js';

/** How {@link runReplay} connects and paces. */
export interface ReplaySessionOptions {
  /** The engine's media-stream URL. */
  readonly url: string;
  /** Playback speed of the inbound schedule (2 sends twice as fast). Default 1. */
  readonly speed?: number;
  /** Gives up connecting after this long. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Without a `close` in the capture: how long after the last message to wait for the engine to close. Default 2 s. */
  readonly lingerMs?: number;
  /** After closing as the capture did: how long to wait for the close handshake before dropping the TCP connection. Default 2 s. */
  readonly closeTimeoutMs?: number;
}

/** A message the engine sent. */
export interface ReceivedMessage {
  /** Arrival, ms after the socket opened. */
  readonly atMs: number;
  readonly data: Buffer;
  readonly binary: boolean;
}

/** A mark echoed back to the engine. */
export interface EchoedMark {
  readonly name: string;
  /** When the echo went out, ms after the socket opened. */
  readonly atMs: number;
  /** Echoed at once because a `clear` flushed it, not because its audio played. */
  readonly byClear: boolean;
}

/** How the socket closed. */
export interface ReplayClose {
  readonly code: number;
  readonly reason: string;
  /** When it closed, ms after the socket opened. */
  readonly atMs: number;
  /** Who started the close: the engine, or the replay (as the capture did, or after lingering). */
  readonly by: 'engine' | 'replay';
}

/** The raw record of one replay. */
export interface ReplayRecording {
  readonly plan: ReplayPlan;
  readonly url: string;
  readonly speed: number;
  /** Deadline of each planned send, ms after open (`atMs / speed`). */
  readonly dueMs: Float64Array;
  /** When each planned send went out, ms after open; NaN if it never did (the socket closed first). */
  readonly sentAtMs: Float64Array;
  readonly scheduleEnd: ScheduleEnd;
  readonly received: readonly ReceivedMessage[];
  readonly echoedMarks: readonly EchoedMark[];
  /** Frames Telnyx would reject, as the client described them. */
  readonly violations: readonly string[];
  readonly close: ReplayClose;
}

/**
 * Connects to `options.url`, replays `plan` in real time, and resolves once the socket has closed.
 *
 * @throws Error when the connection cannot be opened (refused, HTTP error, timeout).
 */
export async function runReplay(plan: ReplayPlan, options: ReplaySessionOptions): Promise<ReplayRecording> {
  const speed = options.speed ?? 1;
  const received: ReceivedMessage[] = [];
  const echoedMarks: EchoedMark[] = [];
  let openedAt = Number.NaN;
  let lastSequence = 0;
  const client = await TelnyxMediaClient.connect(options.url, {
    ...(plan.streamId === undefined ? {} : { call: { streamId: plan.streamId } }),
    handshakeTimeoutMs: options.connectTimeoutMs ?? 10_000,
    mediaDurationMs: (payload) => audioMsOf(plan.outbound, payload.length),
    // Telnyx numbers its echoes in the stream's sequence; the captured frames keep their own numbers.
    nextSequenceNumber: () => ++lastSequence,
    observer: {
      received: (data, binary, at) => received.push({ atMs: at - openedAt, data, binary }),
      markEchoed: (name, at, byClear) => echoedMarks.push({ name, atMs: at - openedAt, byClear }),
    },
  });
  openedAt = performance.now();

  // What the replay sent when it closed first; `ws` on the engine's side echoes code and reason.
  let replayClose: { code: number; reason: string } | undefined;
  const closeFromReplay = (code: number, reason: string): void => {
    if (!client.open) return;
    if (isValidStatusCode(code)) {
      replayClose = { code, reason };
      void client.close(code, reason);
    } else {
      replayClose = { code: 1006, reason: '' };
      client.terminate(); // 1005/1006 in a capture: the socket went without a close frame.
    }
  };
  const scheduler = new ReplayScheduler(
    systemClock,
    plan.sends,
    plan.close,
    {
      send: (item) => {
        if (!client.open) return false;
        if (item.sequenceNumber > lastSequence) lastSequence = item.sequenceNumber;
        client.sendRaw(item.data, item.binary);
        return true;
      },
      close: (close) => closeFromReplay(close.code, close.reason),
    },
    speed,
  );
  const closed = client.closed.then((info) => ({ ...info, atMs: performance.now() - openedAt }));
  void closed.then(() => scheduler.stop());
  scheduler.start();
  const scheduleEnd = await scheduler.finished;

  if (client.open) {
    const waitMs = plan.close === undefined ? (options.lingerMs ?? 2_000) : (options.closeTimeoutMs ?? 2_000);
    const outcome = await Promise.race([closed.then(() => 'closed' as const), delay(waitMs).then(() => 'waited' as const)]);
    if (outcome === 'waited') {
      if (plan.close === undefined) closeFromReplay(1000, '');
      else client.terminate();
      await Promise.race([closed, delay(options.closeTimeoutMs ?? 2_000).then(() => client.terminate())]);
    }
  }
  const info = await closed;
  const dueMs = new Float64Array(plan.sends.length);
  for (let i = 0; i < dueMs.length; i++) dueMs[i] = scheduler.dueMs(i);
  return {
    plan,
    url: options.url,
    speed,
    dueMs,
    sentAtMs: scheduler.sentAtMs,
    scheduleEnd,
    received,
    echoedMarks,
    violations: client.violations,
    // Both sides may close at once (the engine on `stop`, the replay 2 ms later as captured): the
    // close is the replay's only if what came back is the echo of what it sent.
    close: { code: info.code, reason: info.reason, atMs: info.atMs, by: replayClose?.code === info.code && replayClose.reason === info.reason ? 'replay' : 'engine' },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
