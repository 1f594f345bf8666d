import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/clock.js';
import { createLogger } from '../../engine/logger.js';
import { mulawEncodeInto } from '../../codecs/pcmu.js';
import { LogLines } from '../../test/support/telnyxEngine.js';
import { RecordingOutput } from '../../test/support/botHarness.js';
import type { CallInfo, ClearedAudio } from '../api.js';
import type { BotContext } from '../defineBot.js';
import { UpstreamBridge, type BridgeConnection } from './upstreamBridge.js';
import type { UpstreamListener } from './upstreamConnection.js';
import { parseUpstreamOptions, type UpstreamOptions } from './upstreamOptions.js';
import { upstreamTallies } from './upstreamTallies.js';

/** A connection that records what the bridge writes; `accepting` false plays a bot that stopped reading. */
class FakeConnection implements BridgeConnection {
  readonly sent: Record<string, unknown>[] = [];
  accepting = true;
  bufferedBytes = 0;
  listener: UpstreamListener | undefined;
  closedWith: number | undefined;
  send(text: string): boolean {
    if (!this.accepting) return false;
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  }
  attach(listener: UpstreamListener): void {
    this.listener = listener;
  }
  close(code = 1000): void {
    this.closedWith = code;
  }
  fromBot(message: unknown): void {
    this.listener!.message(Buffer.from(JSON.stringify(message)), false);
  }
}

class CuttingOutput extends RecordingOutput {
  cutMarks: string[] = [];
  override clear(): ClearedAudio {
    super.clear();
    return { unsentSamples: 0, unplayedSamples: 0, cutMarks: this.cutMarks.splice(0) };
  }
}

const CALL = { callId: 'call-1', streamId: 's-1', callControlId: 'cc-1', callSessionId: 'cs-1', userId: undefined, from: '+1', to: '+2', tags: [], clientState: undefined, customParameters: {}, mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 }, org: 'o', agent: 'a' } as unknown as CallInfo;

function bridgeFor(options: Record<string, unknown> = {}) {
  const output = new CuttingOutput();
  const clock = new ManualClock();
  const logs = new LogLines();
  const hangups: unknown[] = [];
  const annotations: Record<string, unknown> = {};
  const context = {
    call: CALL,
    output,
    clock,
    log: createLogger('debug', logs.stream).child({ callId: 'call-1' }),
    options: parseUpstreamOptions({ url: 'ws://bot/ws', ...options }),
    hangup: (hangup?: unknown) => hangups.push(hangup ?? 'bot_hangup'),
    transfer: (to: string) => hangups.push(`transfer ${to}`),
    annotate: (key: string, value: unknown) => (annotations[key] = value),
  } as unknown as BotContext<UpstreamOptions>;
  const connection = new FakeConnection();
  const bridge = new UpstreamBridge(context, connection);
  bridge.start();
  return { bridge, connection, output, clock, logs, hangups, annotations };
}

describe('the upstream bridge', () => {
  it('plays the bot\'s audio, places its marks, and echoes the ones a clear cut', () => {
    const { connection, output } = bridgeFor();
    const pcm = new Int16Array(320).map((_, i) => (i % 40) * 200 - 4000);
    const mulaw = Buffer.alloc(320);
    mulawEncodeInto(pcm, 0, 320, mulaw);
    connection.fromBot({ event: 'media', media: { payload: mulaw.toString('base64') } });
    connection.fromBot({ event: 'mark', mark: { name: 'first' } });
    expect(output.actions.map((action) => action.kind)).toEqual(['play', 'mark']);
    expect(output.played()).toHaveLength(320);
    output.cutMarks = ['first'];
    connection.fromBot({ event: 'clear' });
    expect(connection.sent.at(-1)).toMatchObject({ event: 'mark', mark: { name: 'first' } });
  });

  it('drops caller audio a bot does not read, counts it, and says so once', () => {
    const { bridge, connection, logs, annotations } = bridgeFor();
    const before = upstreamTallies.droppedCallerFrames;
    const frame = new Int16Array(160);
    bridge.hear(frame, 160);
    connection.accepting = false;
    for (let i = 0; i < 50; i++) bridge.hear(frame, 160);
    connection.accepting = true;
    bridge.hear(frame, 160);
    expect(upstreamTallies.droppedCallerFrames - before).toBe(50);
    expect(logs.withMessage('bot server is not reading')).toHaveLength(1);
    bridge.end('stream_stopped');
    expect(annotations['upstream']).toMatchObject({ framesToBot: 2, framesDropped: 50 });
    expect(connection.sent.at(-1)).toMatchObject({ event: 'stop' });
    expect(connection.closedWith).toBe(1000);
  });

  it('ends the call after the bot\'s last audio was heard when the bot says stop', () => {
    const { bridge, connection, output, hangups } = bridgeFor();
    connection.fromBot({ event: 'stop' });
    expect(hangups).toEqual([]);
    const endMark = output.actions.at(-1);
    expect(endMark?.kind).toBe('mark');
    bridge.heardMark((endMark as { name: string }).name);
    expect(hangups).toEqual(['bot_hangup']);
    // The end mark is callwire's own: the bot never hears of it.
    expect(connection.sent.filter((message) => message['event'] === 'mark')).toEqual([]);
  });

  it('ends at once on a normal close when told to, and falls back on a broken one', () => {
    const atOnce = bridgeFor({ endWhenBotStops: 'at-once' });
    atOnce.connection.listener!.ended(1000, 'bye');
    expect(atOnce.output.actions.map((action) => action.kind)).toEqual(['clear']);
    expect(atOnce.hangups).toEqual(['bot_hangup']);

    const broken = bridgeFor({ fallback: { transferTo: '+15551234567' } });
    broken.connection.listener!.failed('closed', 'the bot server\'s connection closed with 1006');
    expect(broken.output.actions.map((action) => action.kind)).toEqual(['clear', 'play', 'mark']);
    expect(broken.hangups).toEqual([]);
    // Nobody confirms playback: the grace period ends the wait.
    broken.clock.advance(15_000);
    expect(broken.hangups).toEqual(['transfer +15551234567']);
    expect(broken.logs.withMessage('bot server unavailable')[0]).toMatchObject({ code: 'CW_UPSTREAM_UNAVAILABLE', cause: 'closed', callId: 'call-1' });
  });
});
