import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamBotServer } from '../../bench/fakes/mediaStreamBots.js';
import { upstreamBot } from '../../bots/upstream/upstreamBot.js';
import { testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const NUMBER = '+13125550177';

describe('a bot server behind callwire on a Call Control number', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  it('is connected as soon as the call is known, and hangs the call up through Telnyx with the real call_control_id', async () => {
    // The bot needs the simulator's address and the engine the bot's: the bot reads its behaviour when it hangs up.
    const behaviour = { kind: 'hangup-via-call-control' as const, afterMs: 300, apiKey: '', baseUrl: '' };
    const bot = await MediaStreamBotServer.start({ protocol: 'telnyx', behaviour });
    running.push(bot);
    const withBot = await startTelnyxEngine([testAgent('pipecat', upstreamBot, { phoneNumbers: [NUMBER], options: { url: bot.url, protocol: 'telnyx' } })], { allowedHosts: ['127.0.0.1'] });
    running.push(withBot);
    behaviour.apiKey = withBot.sim.apiKey;
    behaviour.baseUrl = withBot.sim.baseUrl;
    const leg = await withBot.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    // The bot server is reached at call.initiated, before the stream exists.
    await withBot.sim.waitFor(() => bot.sessions.length === 1, EVENT_WAIT_MS, 'the upstream connection');
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    void media.streamMedia(mulawTone(100));
    await withBot.sim.waitFor(() => withBot.engine.calls.size === 0 && bot.sessions[0]!.sent.some((sent) => sent.event === 'hangup'), EVENT_WAIT_MS, 'the bot to hang up');
    const session = bot.sessions[0]!;
    expect(session.problems).toEqual([]);
    // That early connection carried the call: the bot never saw a second one.
    expect(bot.sessions).toHaveLength(1);
    expect(session.received.map((item) => item.event).slice(0, 2)).toEqual(['connected', 'start']);
    expect(session.start).toMatchObject({ start: { call_control_id: leg.callControlId, from: '+13125550100', to: NUMBER } });
    expect(session.mediaPayloadBytes).toBeGreaterThan(0);
    const hangups = withBot.sim.commands.filter((command) => command.action === 'hangup');
    expect(hangups[0]?.callControlId).toBe(leg.callControlId);
    expect(withBot.logs.withMessage('call ended')[0]).toMatchObject({ reason: expect.stringMatching(/^(call_hangup|stream_stopped)$/) });
    await session.closed;
    expect(session.received.at(-1)?.event).toBe('stop');
  });
});
