import { afterEach, describe, expect, it } from 'vitest';
import { echoBot } from '../../bots/echo.js';
import { EventReceiver } from '../../test/support/eventReceiver.js';
import { buildAgent } from '../agent.js';
import { systemClock } from '../clock.js';
import type { CallSummary } from '../engineStats.js';
import { silentLogger } from '../logger.js';
import type { StreamStart } from '../telnyx/frames.js';
import { CallEvents, type CallEventSource } from './callEvents.js';

const SECRET = 'app-events-secret-0123';
const agent = buildAgent('acme', 'desk', echoBot, 'echo', { media: { outboundEncoding: 'L16' } });
const start: StreamStart = {
  streamId: 'stream-1',
  callControlId: 'v3:call-1',
  callSessionId: 'session-1',
  userId: undefined,
  from: '+13125550100',
  to: '+13125550199',
  tags: [],
  clientState: undefined,
  customParameters: { crm: '42' },
  mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 },
};
const summary: CallSummary = {
  reason: 'bot_hangup',
  durationMs: 4200,
  framesIn: 210,
  framesOut: 200,
  messagesOut: 70,
  rejectedFrames: 0,
  jitter: { ticks: 205, concealedFrames: 3, silenceFrames: 0, underruns: 0, late: 1, lost: 2, addedDelayMeanMs: 40, addedDelayP95Ms: 60 },
};

const apps: EventReceiver[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function eventsTo(): Promise<{ app: EventReceiver; events: CallEvents }> {
  const app = new EventReceiver(() => 200);
  apps.push(app);
  const events = new CallEvents({ url: await app.listen(), secret: SECRET }, silentLogger(), systemClock);
  return { app, events };
}

describe('CallEvents', () => {
  it('describes a call from its start to its end, codecs and transfer included', async () => {
    const { app, events } = await eventsTo();
    const call: CallEventSource = { id: 'call-1', agent, streamStart: start, transferTarget: '+13125550123' };
    events.callStarted(call);
    events.callEnded(call, summary);
    await events.idle();
    const [started, ended] = app.accepted();
    expect(started).toMatchObject({ type: 'call.started', data: { callId: 'call-1', agent: 'desk.acme', callControlId: 'v3:call-1', from: '+13125550100', to: '+13125550199', customParameters: { crm: '42' } } });
    expect(ended).toMatchObject({
      type: 'call.ended',
      data: {
        callId: 'call-1',
        reason: 'bot_hangup',
        durationMs: 4200,
        startedAt: started!.data['startedAt'],
        codecs: { inbound: { encoding: 'PCMU', sampleRate: 8000 }, outbound: { encoding: 'L16', sampleRate: 16000 } },
        frames: { in: 210, out: 200, messagesOut: 70, rejected: 0 },
        jitter: summary.jitter,
        transferTarget: '+13125550123',
      },
    });
  });

  it("sends Telnyx's recording of a call that has already ended, and nothing for a stream that never started", async () => {
    const { app, events } = await eventsTo();
    const call: CallEventSource = { id: 'call-1', agent, streamStart: start, transferTarget: undefined };
    events.callStarted(call);
    events.callEnded(call, summary);
    events.telnyxRecordingSaved('v3:call-1', undefined, { recordingId: 'rec-1', urls: { mp3: 'https://files.example/rec-1.mp3' }, publicUrls: {}, channels: 'single', startedAt: undefined, endedAt: undefined });
    events.telnyxRecordingSaved('v3:unknown', undefined, { recordingId: 'rec-2', urls: {}, publicUrls: {}, channels: undefined, startedAt: undefined, endedAt: undefined });
    const neverStarted: CallEventSource = { id: 'call-2', agent, streamStart: undefined, transferTarget: undefined };
    events.callStarted(neverStarted);
    events.callEnded(neverStarted, summary);
    await events.idle();
    expect(app.accepted().map((event) => event.type)).toEqual(['call.started', 'call.ended', 'recording.saved']);
    expect(app.accepted()[2]!.data).toMatchObject({ callId: 'call-1', source: 'telnyx', recordingId: 'rec-1', urls: { mp3: 'https://files.example/rec-1.mp3' } });
  });

  it('sends nothing when neither the engine nor the agent has a target', () => {
    const events = new CallEvents(undefined, silentLogger(), systemClock);
    events.callStarted({ id: 'call-1', agent, streamStart: start, transferTarget: undefined });
    expect(events.pending).toBe(0);
    expect(events.stats()).toEqual({ delivered: 0, retried: 0, abandoned: 0, dropped: 0 });
  });
});
