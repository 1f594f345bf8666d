import { Subject } from 'rxjs';
import { createActor } from 'xstate';
import { callMachine, DEFAULT_CALL_TIMEOUTS } from '../../actors/call.machine.js';
import type { CallPort } from '../../actors/callPort.js';
import type { AudioFrame, BotLogic, BotOutput, ClearedAudio, EndReason } from '../../bots/api.js';
import { ManualClock } from '../../engine/clock.js';
import type { CallId } from '../../engine/ids.js';
import { silentLogger } from '../../engine/logger.js';
import type { StreamStart } from '../../engine/telnyx/frames.js';

/** What a bot under test did to its output, in order. */
export type OutputAction = { kind: 'play'; samples: Int16Array } | { kind: 'mark'; name: string } | { kind: 'clear' } | { kind: 'prebuffer'; ms: number };

/** A bot output that records instead of sending. */
export class RecordingOutput implements BotOutput {
  readonly sampleRate = 8000;
  readonly actions: OutputAction[] = [];
  queuedSamples = 0;
  play(pcm: Int16Array, offset = 0, count = pcm.length - offset): number {
    this.actions.push({ kind: 'play', samples: pcm.slice(offset, offset + count) });
    return count;
  }
  mark(name: string): void {
    this.actions.push({ kind: 'mark', name });
  }
  clear(): ClearedAudio {
    this.actions.push({ kind: 'clear' });
    return { unsentSamples: 0, unplayedSamples: 0, cutMarks: [] };
  }
  setPrebufferMs(ms: number): void {
    this.actions.push({ kind: 'prebuffer', ms });
  }
  /** Every sample played, concatenated. */
  played(): Int16Array {
    const chunks = this.actions.flatMap((action) => (action.kind === 'play' ? [action.samples] : []));
    const result = new Int16Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      result.set(chunk, offset);
      offset += chunk.length;
    }
    return result;
  }
}

/** A {@link CallPort} with no socket: audio is pushed by the test, output is recorded. */
export class FakePort implements CallPort {
  readonly audio = new Subject<AudioFrame>();
  readonly output = new RecordingOutput();
  readonly closes: { code: number; reason: string }[] = [];
  released = 0;
  mediaAt = 0;
  drained = true;
  endReason: EndReason | undefined;
  lastMediaAt(): number {
    return this.mediaAt;
  }
  outboundDrained(): boolean {
    return this.drained;
  }
  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }
  release(): void {
    this.released++;
  }
}

/** A `start` frame's content for tests. */
export const TEST_START: StreamStart = {
  streamId: 'stream-1',
  callControlId: 'v3:cc-1',
  callSessionId: 'session-1',
  userId: 'user-1',
  from: '+13125550100',
  to: '+13125550199',
  tags: [],
  clientState: undefined,
  customParameters: {},
  mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 },
};

/** Runs `bot` inside a real call actor on simulated time, already streaming. */
export function runBot(bot: BotLogic, options: Readonly<Record<string, unknown>> = {}) {
  const clock = new ManualClock(0);
  const port = new FakePort();
  const actor = createActor(callMachine.provide({ actors: { bot } }), {
    clock,
    input: { callId: 'call-1' as CallId, org: 'test', agent: 'bot', port, clock, log: silentLogger(), options, timeouts: DEFAULT_CALL_TIMEOUTS },
  });
  actor.start();
  actor.send({ type: 'telnyx.start', start: TEST_START });
  const frame = { samples: new Int16Array(160), sampleCount: 160, sampleRate: 8000, kind: 'speech' as const, sequenceNumber: 0 };
  /** Pushes one 20 ms frame whose samples are `fill(i)`; the frame object is reused, as the engine does. */
  const hear = (fill: (i: number) => number): void => {
    for (let i = 0; i < 160; i++) frame.samples[i] = fill(i);
    frame.sequenceNumber++;
    port.mediaAt = clock.now();
    port.audio.next(frame);
    clock.advance(20);
  };
  return { actor, clock, port, output: port.output, hear };
}
