import { describe, expect, it } from 'vitest';
import type { EndReason } from '../bots/api.js';
import { defineBot } from '../bots/defineBot.js';
import { buildAgent } from './agent.js';
import { AgentCatalog } from './agentCatalog.js';
import { CallRegistry } from './callRegistry.js';
import type { CallSession } from './session/callSession.js';
import { ManualClock } from './clock.js';
import type { CallId } from './ids.js';
import { silentLogger } from './logger.js';
import type { CallControl } from './telnyx/callControl.js';
import type { TelnyxWebhookEvent } from './telnyx/webhookEvents.js';
import { HANGUP_GRACE_MS, shouldHangUp, TelnyxCalls, type SharedLegStore } from './telnyxCalls.js';

describe('shouldHangUp', () => {
  const reasons: EndReason[] = ['stream_stopped', 'socket_closed', 'start_timeout', 'media_timeout', 'bot_finished', 'bot_error', 'transfer_failed', 'stream_unauthorized', 'unsupported_codec', 'shutdown', 'internal_error'];

  it('hangs up whenever the bot hung up, unless Telnyx already reported the hang-up', () => {
    expect(shouldHangUp('bot_hangup', false, false)).toBe(true);
    expect(shouldHangUp('bot_hangup', true, false)).toBe(true);
    expect(shouldHangUp('bot_hangup', true, true)).toBe(false);
  });

  it('never hangs up a transferred call or one Telnyx hung up', () => {
    for (const owned of [true, false]) {
      expect(shouldHangUp('transferred', owned, false)).toBe(false);
      expect(shouldHangUp('call_hangup', owned, false)).toBe(false);
    }
  });

  it('hangs up legs the engine owns for every other reason, and leaves TeXML calls to their TeXML', () => {
    for (const reason of reasons) {
      expect(shouldHangUp(reason, true, false)).toBe(true);
      expect(shouldHangUp(reason, false, false)).toBe(false);
      expect(shouldHangUp(reason, true, true)).toBe(false);
    }
  });
});

describe('TelnyxCalls hang-ups after a stream ends', () => {
  const agent = buildAgent('org', 'agent', defineBot({ name: 'x', create: () => ({}) }), 'x', { phoneNumbers: ['+13125550100'] });

  function setup() {
    const clock = new ManualClock(0);
    const calls = new CallRegistry();
    const hangups: string[] = [];
    const answers: string[] = [];
    const control = {
      answer: (id: string) => (answers.push(id), Promise.resolve()),
      hangup: (id: string) => (hangups.push(id), Promise.resolve('hung_up' as const)),
    } as unknown as CallControl;
    const telnyx = new TelnyxCalls({ catalog: new AgentCatalog([agent]), calls, callControl: control, log: silentLogger(), clock, now: () => clock.now() });
    const session = (id: string, callControlId: string) => {
      const fake = { id, callControlId, log: silentLogger() } as unknown as CallSession;
      calls.add(fake);
      calls.indexByCallControlId(fake);
      return fake;
    };
    const end = (ended: CallSession, reason: EndReason) => {
      telnyx.callEnded(ended, reason);
      calls.delete(ended.id as CallId);
    };
    const initiated = (callControlId: string): TelnyxWebhookEvent => ({
      type: 'call.initiated', id: `i-${callControlId}`, occurredAt: undefined, callControlId, callSessionId: undefined, connectionId: undefined, clientState: undefined, from: '+1', to: '+13125550100', direction: 'incoming', state: 'parked',
    });
    const hangupEvent = (callControlId: string): TelnyxWebhookEvent => ({
      type: 'call.hangup', id: `h-${callControlId}`, occurredAt: undefined, callControlId, callSessionId: undefined, connectionId: undefined, clientState: undefined, from: undefined, to: undefined, hangupCause: 'normal_clearing', hangupSource: 'caller',
    });
    const origin = () => ({ http: 'http://h', ws: 'ws://h' });
    return { clock, telnyx, hangups, session, end, initiated, hangupEvent, origin, answers };
  }

  it('waits 2 s for call.hangup after Telnyx stopped the stream of a leg it owns, then hangs up', () => {
    const { clock, telnyx, hangups, session, end, initiated, origin } = setup();
    telnyx.handleEvent(initiated('v3:a'), origin);
    end(session('s1', 'v3:a'), 'stream_stopped');
    clock.advance(HANGUP_GRACE_MS - 1);
    expect(hangups).toEqual([]);
    clock.advance(1);
    expect(hangups).toEqual(['v3:a']);
    expect(telnyx.legs.get('v3:a')).toBeUndefined();
  });

  it('sends nothing when call.hangup arrives within the grace', () => {
    const { clock, telnyx, hangups, session, end, initiated, hangupEvent, origin } = setup();
    telnyx.handleEvent(initiated('v3:b'), origin);
    end(session('s1', 'v3:b'), 'socket_closed');
    telnyx.handleEvent(hangupEvent('v3:b'), origin);
    clock.advance(10_000);
    expect(hangups).toEqual([]);
    expect(telnyx.legs.get('v3:b')).toBeUndefined();
  });

  it('leaves the call up when Telnyx reconnects the stream within the grace', () => {
    const { clock, telnyx, hangups, session, end, initiated, origin } = setup();
    telnyx.handleEvent(initiated('v3:c'), origin);
    end(session('s1', 'v3:c'), 'socket_closed');
    const second = session('s2', 'v3:c');
    clock.advance(10_000);
    expect(hangups).toEqual([]);
    expect(telnyx.legs.get('v3:c')).toBeDefined();
    end(second, 'bot_error');
    expect(hangups).toEqual(['v3:c']);
  });

  it('hangs up at once for other reasons, and leaves calls it does not own alone', () => {
    const { telnyx, hangups, session, end, initiated, origin } = setup();
    telnyx.handleEvent(initiated('v3:d'), origin);
    end(session('s1', 'v3:d'), 'media_timeout');
    end(session('s2', 'v3:texml'), 'media_timeout');
    end(session('s3', 'v3:texml2'), 'bot_hangup');
    expect(hangups).toEqual(['v3:d', 'v3:texml2']);
  });

  it('leaves a call unanswered when no stream URL may be built for it, and asks for the origin only to answer', () => {
    const { telnyx, initiated, answers } = setup();
    let asked = 0;
    telnyx.handleEvent(initiated('v3:refused'), () => (asked++, undefined));
    expect(asked).toBe(1);
    expect(answers).toEqual([]);
    expect(telnyx.legs.get('v3:refused')).toBeUndefined();
    telnyx.handleEvent({ ...initiated('v3:nobody'), to: '+19995550000' }, () => (asked++, undefined));
    expect(asked).toBe(1);
  });

  it('sends pending hang-ups at once when the engine shuts down', async () => {
    const { telnyx, hangups, session, end, initiated, origin } = setup();
    telnyx.handleEvent(initiated('v3:e'), origin);
    end(session('s1', 'v3:e'), 'stream_stopped');
    await telnyx.settle(100);
    expect(hangups).toEqual(['v3:e']);
  });
});

describe('TelnyxCalls on two engines sharing one leg store', () => {
  const agent = buildAgent('org', 'agent', defineBot({ name: 'x', create: () => ({}) }), 'x', { phoneNumbers: ['+13125550100'] });
  const ownedOnly: EndReason[] = ['stream_stopped', 'socket_closed', 'start_timeout', 'media_timeout', 'bot_finished', 'bot_error', 'transfer_failed', 'shutdown', 'internal_error'];

  /** The shared store as Redis keeps it: a record per leg, taken once. */
  function memoryStore(): SharedLegStore & { readonly records: Map<string, string> } {
    const records = new Map<string, string>();
    return {
      records,
      held: (callControlId, origin) => void records.set(callControlId, origin),
      forget: (callControlId) => void records.delete(callControlId),
      claim: (callControlId) => Promise.resolve(records.delete(callControlId)),
    };
  }

  function setup() {
    const clock = new ManualClock(0);
    const store = memoryStore();
    const hangups: { readonly by: string; readonly callControlId: string }[] = [];
    const engine = (name: string) => {
      const calls = new CallRegistry();
      const control = {
        answer: () => Promise.resolve(),
        hangup: (callControlId: string) => (hangups.push({ by: name, callControlId }), Promise.resolve('hung_up' as const)),
      } as unknown as CallControl;
      const telnyx = new TelnyxCalls({ catalog: new AgentCatalog([agent]), calls, callControl: control, log: silentLogger(), clock, now: () => clock.now(), sharedLegs: store });
      const streamEnded = async (callControlId: string, reason: EndReason) => {
        const session = { id: `s-${callControlId}`, callControlId, log: silentLogger() } as unknown as CallSession;
        calls.add(session);
        calls.indexByCallControlId(session);
        telnyx.callEnded(session, reason);
        calls.delete(session.id as CallId);
      };
      return { telnyx, streamEnded };
    };
    const initiated = (callControlId: string): TelnyxWebhookEvent => ({
      type: 'call.initiated', id: `i-${callControlId}`, occurredAt: undefined, callControlId, callSessionId: undefined, connectionId: undefined, clientState: undefined, from: '+1', to: '+13125550100', direction: 'incoming', state: 'parked',
    });
    const hangupEvent = (callControlId: string): TelnyxWebhookEvent => ({
      type: 'call.hangup', id: `h-${callControlId}`, occurredAt: undefined, callControlId, callSessionId: undefined, connectionId: undefined, clientState: undefined, from: undefined, to: undefined, hangupCause: 'normal_clearing', hangupSource: 'caller',
    });
    const origin = () => ({ http: 'http://h', ws: 'ws://h' });
    return { clock, store, hangups, a: engine('a'), b: engine('b'), initiated, hangupEvent, origin };
  }

  it('hangs up a leg held by A whose stream ended on B, once and from B, for every reason A would have', async () => {
    for (const reason of ownedOnly) {
      const { clock, store, hangups, a, b, initiated, origin } = setup();
      a.telnyx.handleEvent(initiated('v3:x'), origin);
      expect(store.records.get('v3:x')).toBe('answered');
      await b.streamEnded('v3:x', reason);
      clock.advance(HANGUP_GRACE_MS);
      await b.telnyx.settle(1_000);
      await a.telnyx.settle(1_000);
      expect(hangups, reason).toEqual([{ by: 'b', callControlId: 'v3:x' }]);
      expect(store.records.size).toBe(0);
    }
  });

  it('leaves it alone after a transfer, and when call.hangup reaches A within the grace', async () => {
    const { clock, hangups, a, b, initiated, hangupEvent, origin } = setup();
    a.telnyx.handleEvent(initiated('v3:t'), origin);
    await b.streamEnded('v3:t', 'transferred');
    a.telnyx.handleEvent(initiated('v3:h'), origin);
    await b.streamEnded('v3:h', 'stream_stopped');
    a.telnyx.handleEvent(hangupEvent('v3:h'), origin);
    clock.advance(HANGUP_GRACE_MS);
    await b.telnyx.settle(1_000);
    expect(hangups).toEqual([]);
  });

  it('sends nothing for a stream no engine holds a leg for (a TeXML call)', async () => {
    const { clock, hangups, b } = setup();
    await b.streamEnded('v3:texml', 'stream_stopped');
    clock.advance(HANGUP_GRACE_MS);
    await b.telnyx.settle(1_000);
    expect(hangups).toEqual([]);
  });
});
