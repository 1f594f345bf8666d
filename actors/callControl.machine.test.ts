import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { EndReason, RecordingSaved } from '../bots/api.js';
import { defineBot, type BotContext } from '../bots/defineBot.js';
import { ManualClock } from '../engine/clock.js';
import type { CallId } from '../engine/ids.js';
import { silentLogger } from '../engine/logger.js';
import { CallControlError } from '../engine/telnyx/callControlError.js';
import { FakePort, TEST_START } from '../test/support/botHarness.js';
import { callMachine, DEFAULT_CALL_TIMEOUTS } from './call.machine.js';
import type { CallCommands } from './callPort.js';

/** Call Control that records requests and settles each as the test decides. */
class FakeCommands implements CallCommands {
  readonly available = true;
  readonly requests: string[] = [];
  #settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  startRecording(): Promise<void> {
    return this.#record('record_start');
  }
  stopRecording(): Promise<void> {
    return this.#record('record_stop');
  }
  sendDtmf(digits: string): Promise<void> {
    return this.#record(`send_dtmf ${digits}`);
  }
  stopStreaming(): Promise<void> {
    return this.#record('streaming_stop');
  }
  transfer(to: string, from?: string): Promise<void> {
    return this.#record(`transfer ${to}${from === undefined ? '' : ` from ${from}`}`);
  }
  /** Settles the latest request. */
  succeed(): void {
    this.#settle?.resolve();
  }
  fail(error: unknown): void {
    this.#settle?.reject(error);
  }
  #record(request: string): Promise<void> {
    this.requests.push(request);
    return new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }
}

class CommandPort extends FakePort {
  callControl: CallCommands | undefined;
  constructor(commands: CallCommands | undefined) {
    super();
    this.callControl = commands;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** `null`: no Call Control at all. */
function startCall(commands: CallCommands | null = new FakeCommands()) {
  const clock = new ManualClock(0);
  const port = new CommandPort(commands ?? undefined);
  const seen: { context?: BotContext<unknown>; stops: EndReason[]; recordings: RecordingSaved[]; created: number } = { stops: [], recordings: [], created: 0 };
  const bot = defineBot({
    name: 'cc',
    create: (context) => {
      seen.created++;
      seen.context = context as BotContext<unknown>;
      return { stop: (reason) => void seen.stops.push(reason), recording: (recording) => void seen.recordings.push(recording) };
    },
  });
  const actor = createActor(callMachine.provide({ actors: { bot } }), {
    clock,
    input: { callId: 'call-1' as CallId, org: 'test', agent: 'cc', port, clock, log: silentLogger(), options: {}, timeouts: DEFAULT_CALL_TIMEOUTS },
  });
  actor.start();
  const stream = (): void => {
    actor.send({ type: 'telnyx.connected' });
    actor.send({ type: 'telnyx.start', start: TEST_START });
  };
  return { actor, clock, port, seen, stream };
}

describe('call machine with Call Control', () => {
  it('lets queued audio play, then asks Telnyx to transfer, and ends transferred when Telnyx stops the stream', async () => {
    const commands = new FakeCommands();
    const { actor, clock, port, seen, stream } = startCall(commands);
    stream();
    port.drained = false;
    seen.context!.transfer('+13125550123', { from: '+13125550100' });
    expect(actor.getSnapshot().value).toBe('transferring');
    expect(seen.stops).toEqual(['transferred']);
    clock.advance(200);
    expect(commands.requests).toEqual([]);
    port.drained = true;
    clock.advance(20);
    expect(commands.requests).toEqual(['transfer +13125550123 from +13125550100']);
    commands.succeed();
    await flush();
    clock.advance(5_000);
    expect(actor.getSnapshot().value).toBe('transferring');
    actor.send({ type: 'telnyx.stop' });
    expect(actor.getSnapshot().output).toEqual({ reason: 'transferred' });
    expect(port.closes).toEqual([{ code: 1000, reason: 'transferred' }]);
  });

  it('sends the transfer after drainMs even if the audio never drains', () => {
    const commands = new FakeCommands();
    const { clock, port, seen, stream } = startCall(commands);
    stream();
    port.drained = false;
    seen.context!.transfer('sip:agent@example.com');
    clock.advance(DEFAULT_CALL_TIMEOUTS.drainMs - 20);
    expect(commands.requests).toEqual([]);
    clock.advance(20);
    expect(commands.requests).toEqual(['transfer sip:agent@example.com']);
  });

  it('ends transferred after drainMs + transferMs when Telnyx accepts but never stops the stream', async () => {
    const commands = new FakeCommands();
    const { actor, clock, stream, seen } = startCall(commands);
    stream();
    seen.context!.transfer('+13125550123');
    clock.advance(20);
    commands.succeed();
    await flush();
    clock.advance(DEFAULT_CALL_TIMEOUTS.drainMs + DEFAULT_CALL_TIMEOUTS.transferMs - 40);
    expect(actor.getSnapshot().status).toBe('active');
    clock.advance(20);
    expect(actor.getSnapshot().output).toEqual({ reason: 'transferred' });
  });

  it('ends with transfer_failed when Telnyx refuses the transfer, rather than staying in transferring', async () => {
    const commands = new FakeCommands();
    const { actor, clock, port, seen, stream } = startCall(commands);
    stream();
    seen.context!.transfer('+1000');
    clock.advance(20);
    commands.fail(new CallControlError('CW_CALL_CONTROL_REJECTED', 'transfer: Telnyx answered 422', { command: 'transfer', status: 422 }));
    await flush();
    expect(actor.getSnapshot().output).toEqual({ reason: 'transfer_failed' });
    expect(port.closes).toEqual([{ code: 1000, reason: 'transfer_failed' }]);
    expect(port.released).toBe(1);
  });

  it('without Call Control, closes the stream once drained, as before (TeXML takes the caller on)', () => {
    const { actor, clock, seen, stream } = startCall(null);
    stream();
    seen.context!.transfer('+13125550123');
    clock.advance(20);
    expect(actor.getSnapshot().output).toEqual({ reason: 'transferred' });
  });

  it('hands the bot Call Control requests outside the mailbox', async () => {
    const commands = new FakeCommands();
    const { seen, stream } = startCall(commands);
    stream();
    const context = seen.context!;
    expect(context.callControlAvailable).toBe(true);
    const started = context.record.start({ format: 'wav' });
    commands.succeed();
    await started;
    void context.sendDtmf('12#');
    void context.stopStreaming();
    void context.record.stop();
    expect(commands.requests).toEqual(['record_start', 'send_dtmf 12#', 'streaming_stop', 'record_stop']);
  });

  it('without an API key, the requests reject with CW_CALL_CONTROL_UNAVAILABLE and the call goes on', async () => {
    const { actor, seen, stream } = startCall(null);
    stream();
    const context = seen.context!;
    expect(context.callControlAvailable).toBe(false);
    await expect(context.record.start()).rejects.toMatchObject({ code: 'CW_CALL_CONTROL_UNAVAILABLE', retryable: false });
    await expect(context.sendDtmf('1')).rejects.toBeInstanceOf(CallControlError);
    void context.stopStreaming(); // not awaited: must not become an unhandled rejection
    await flush();
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'talking', media: 'watching' } });
  });

  it('passes a saved recording to the bot', () => {
    const { actor, seen, stream } = startCall();
    stream();
    const recording: RecordingSaved = { recordingId: 'r1', urls: { mp3: 'https://rec/1.mp3' }, publicUrls: {}, channels: 'single', startedAt: undefined, endedAt: undefined };
    actor.send({ type: 'telnyx.recording', recording });
    expect(seen.recordings).toEqual([recording]);
  });

  it('ends with call_hangup when Telnyx reports the hang-up while the stream is open', () => {
    const { actor, stream } = startCall();
    stream();
    actor.send({ type: 'telnyx.hangup' });
    expect(actor.getSnapshot().output).toEqual({ reason: 'call_hangup' });
  });

  it('closes an unauthorized stream with 4401 before any bot starts', () => {
    const { actor, port, seen } = startCall();
    actor.send({ type: 'telnyx.connected' });
    actor.send({ type: 'stream.unauthorized' });
    expect(actor.getSnapshot().output).toEqual({ reason: 'stream_unauthorized' });
    expect(port.closes).toEqual([{ code: 4401, reason: 'stream_unauthorized' }]);
    expect(seen.created).toBe(0);
  });
});
