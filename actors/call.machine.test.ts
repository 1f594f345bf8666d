import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { AudioFrame, EndReason } from '../bots/api.js';
import { defineBot, type BotHandlers, type BotContext } from '../bots/defineBot.js';
import { ManualClock } from '../engine/clock.js';
import type { CallId } from '../engine/ids.js';
import { silentLogger } from '../engine/logger.js';
import type { StreamStart } from '../engine/telnyx/frames.js';
import { callMachine, DEFAULT_CALL_TIMEOUTS, type CallEmitted } from './call.machine.js';
import { FakePort, TEST_START } from '../test/support/botHarness.js';

const START: StreamStart = { ...TEST_START, userId: 'user-1', tags: ['vip'], clientState: 'aGVsbG8=', customParameters: { customer: 'ada' } };

interface Recorder {
  context?: BotContext<unknown>;
  dtmf: string[];
  marks: string[];
  frames: number;
  stops: EndReason[];
}

function recordingBot(recorder: Recorder, overrides: Partial<BotHandlers> = {}) {
  return defineBot({
    name: 'recorder',
    responseTimeoutMs: 1_000,
    create: (context) => {
      recorder.context = context as BotContext<unknown>;
      return {
        audio: () => void recorder.frames++,
        dtmf: (digit) => void recorder.dtmf.push(digit),
        mark: (name) => void recorder.marks.push(name),
        stop: (reason) => void recorder.stops.push(reason),
        ...overrides,
      };
    },
  });
}

function startCall(overrides: Partial<BotHandlers> = {}, createThrows = false) {
  const clock = new ManualClock(0);
  const port = new FakePort();
  const recorder: Recorder = { dtmf: [], marks: [], frames: 0, stops: [] };
  const bot = createThrows
    ? defineBot({
        name: 'broken',
        create: () => {
          throw new Error('cannot start');
        },
      })
    : recordingBot(recorder, overrides);
  const emitted: CallEmitted[] = [];
  const actor = createActor(callMachine.provide({ actors: { bot } }), {
    clock,
    input: {
      callId: 'call-1' as CallId,
      org: 'default',
      agent: 'test',
      port,
      clock,
      log: silentLogger(),
      options: {},
      timeouts: DEFAULT_CALL_TIMEOUTS,
    },
  });
  actor.on('call.transfer', (event) => emitted.push(event));
  actor.start();
  const stream = (): void => {
    actor.send({ type: 'telnyx.connected' });
    actor.send({ type: 'telnyx.start', start: START });
  };
  return { actor, clock, port, recorder, emitted, stream };
}

describe('call machine', () => {
  it('waits for start in awaiting-connected and ends with start_timeout after 10 s', () => {
    const { actor, clock, port } = startCall();
    expect(actor.getSnapshot().value).toBe('awaiting-connected');
    actor.send({ type: 'telnyx.connected' });
    clock.advance(9_999);
    expect(actor.getSnapshot().value).toBe('awaiting-connected');
    clock.advance(1);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({ reason: 'start_timeout' });
    expect(port.closes).toEqual([{ code: 1000, reason: 'start_timeout' }]);
    expect(port.released).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('streams after start and hands the bot the call info and custom parameters', () => {
    const { actor, recorder, stream } = startCall();
    stream();
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'talking', media: 'watching' } });
    const call = recorder.context?.call;
    expect(call).toMatchObject({ callId: 'call-1', org: 'default', agent: 'test', callControlId: 'v3:cc-1', from: '+13125550100' });
    expect(call?.customParameters).toEqual({ customer: 'ada' });
    expect(call?.clientState).toBe('aGVsbG8=');
    expect(call?.mediaFormat.encoding).toBe('PCMU');
  });

  it('delivers audio outside the mailbox and dtmf and marks through it', () => {
    const { port, recorder, stream, actor } = startCall();
    stream();
    const frame: AudioFrame = { samples: new Int16Array(160), sampleCount: 160, sampleRate: 8000, kind: 'speech', sequenceNumber: 2 };
    port.audio.next(frame);
    port.audio.next(frame);
    actor.send({ type: 'telnyx.dtmf', digit: '5' });
    actor.send({ type: 'telnyx.mark', name: 'greeting-done' });
    expect(recorder.frames).toBe(2);
    expect(recorder.dtmf).toEqual(['5']);
    expect(recorder.marks).toEqual(['greeting-done']);
  });

  it('ends with media_timeout after 30 s without media, and not while media flows', () => {
    const { actor, clock, port, recorder, stream } = startCall();
    stream();
    for (let t = 0; t < 60_000; t += 1_000) {
      port.mediaAt = clock.now();
      clock.advance(1_000);
    }
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'talking', media: 'watching' } });
    // The last frame came at 59 s, so the call may idle until 89 s.
    clock.advance(28_999);
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'talking', media: 'watching' } });
    clock.advance(1);
    expect(actor.getSnapshot().output).toEqual({ reason: 'media_timeout' });
    expect(recorder.stops).toEqual(['media_timeout']);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    [{ type: 'telnyx.stop' } as const, 'stream_stopped'],
    [{ type: 'socket.closed', code: 1006 } as const, 'socket_closed'],
    [{ type: 'engine.shutdown' } as const, 'shutdown'],
  ])('ends on %o with reason %s and tells the bot why', (event, reason) => {
    const { actor, port, recorder, stream, clock } = startCall();
    stream();
    actor.send(event);
    expect(actor.getSnapshot().output).toEqual({ reason });
    expect(recorder.stops).toEqual([reason]);
    expect(port.released).toBe(1);
    expect(port.closes[0]?.code).toBe(reason === 'shutdown' ? 1001 : 1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('ends before start on stop or a closed socket', () => {
    const { actor, recorder } = startCall();
    actor.send({ type: 'socket.closed', code: 1006 });
    expect(actor.getSnapshot().output).toEqual({ reason: 'socket_closed' });
    expect(recorder.context).toBeUndefined();
  });

  it('ends with unsupported_codec when the edge cannot decode the stream', () => {
    const { actor } = startCall();
    actor.send({ type: 'codec.unsupported', message: 'G722 is not supported' });
    expect(actor.getSnapshot().output).toEqual({ reason: 'unsupported_codec' });
  });

  it('hangs up once queued audio has drained', () => {
    const { actor, clock, port, recorder, stream } = startCall();
    stream();
    port.drained = false;
    recorder.context!.hangup();
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'hangingUp', media: 'watching' } });
    clock.advance(200);
    expect(actor.getSnapshot().status).toBe('active');
    port.drained = true;
    clock.advance(20);
    expect(actor.getSnapshot().output).toEqual({ reason: 'bot_hangup' });
  });

  it('hangs up after drainMs even if audio never drains', () => {
    const { actor, clock, port, recorder, stream } = startCall();
    stream();
    port.drained = false;
    recorder.context!.hangup();
    clock.advance(DEFAULT_CALL_TIMEOUTS.drainMs);
    expect(actor.getSnapshot().output).toEqual({ reason: 'bot_hangup' });
  });

  it('moves to transferring on a transfer request, announces it, and ends transferred once drained', () => {
    const { actor, clock, port, recorder, emitted, stream } = startCall();
    stream();
    port.drained = false;
    recorder.context!.transfer('+13125550123');
    expect(actor.getSnapshot().value).toBe('transferring');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ type: 'call.transfer', to: '+13125550123' });
    expect(recorder.stops).toEqual(['transferred']);
    actor.send({ type: 'telnyx.dtmf', digit: '1' });
    expect(recorder.dtmf).toEqual([]);
    port.drained = true;
    clock.advance(20);
    expect(actor.getSnapshot().output).toEqual({ reason: 'transferred' });
  });

  it('ends transferred when Telnyx stops the stream during a transfer', () => {
    const { actor, port, recorder, stream } = startCall();
    stream();
    port.drained = false;
    recorder.context!.transfer('sip:agent@example.com');
    actor.send({ type: 'telnyx.stop' });
    expect(actor.getSnapshot().output).toEqual({ reason: 'transferred' });
  });

  describe('bot failures end the call with bot_error', () => {
    it('a handler that throws', () => {
      const { actor, stream } = startCall({
        dtmf: () => {
          throw new Error('bad digit');
        },
      });
      stream();
      actor.send({ type: 'telnyx.dtmf', digit: '1' });
      expect(actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
    });

    it('an audio handler that throws', () => {
      const { actor, port, stream } = startCall({
        audio: () => {
          throw new Error('bad frame');
        },
      });
      stream();
      port.audio.next({ samples: new Int16Array(160), sampleCount: 160, sampleRate: 8000, kind: 'speech', sequenceNumber: 1 });
      expect(actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
    });

    it('a bot whose create throws', () => {
      const { actor, stream } = startCall({}, true);
      stream();
      expect(actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
    });

    it('a handler promise that rejects', async () => {
      const { actor, stream } = startCall({ mark: () => Promise.reject(new Error('tts down')) });
      stream();
      actor.send({ type: 'telnyx.mark', name: 'x' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
    });

    it('a handler promise that never settles (the bot stopped answering)', () => {
      const { actor, clock, stream } = startCall({ dtmf: () => new Promise<void>(() => undefined) });
      stream();
      actor.send({ type: 'telnyx.dtmf', digit: '9' });
      clock.advance(999);
      expect(actor.getSnapshot().status).toBe('active');
      clock.advance(1);
      expect(actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
    });
  });
});
