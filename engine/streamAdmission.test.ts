import { describe, expect, it } from 'vitest';
import { defineBot } from '../bots/defineBot.js';
import { buildAgent } from './agent.js';
import { admitStream } from './streamAdmission.js';

const bot = defineBot({ name: 'x', create: () => ({}) });
const open = buildAgent('org', 'open', bot, 'x');
const guarded = buildAgent('org', 'guarded', bot, 'x', { streamAuthToken: 'secret-token-0123456789' });
const url = (query: string) => new URL(`http://h/ws/telnyx?serviceHost=a.b${query}`);
const held = (key: string | null) => (key === 'k1' ? { name: 'Ada' } : {});

describe('admitStream', () => {
  it('admits any stream of an agent without a token, with the parameters held for its dial key', () => {
    expect(admitStream(open, {}, url('&dial=k1'), held)).toEqual({ ok: true, admission: { authenticated: true, parameters: { name: 'Ada' }, preparedKey: 'dial:k1' } });
    expect(admitStream(open, {}, url(''), held)).toEqual({ ok: true, admission: { authenticated: true, parameters: {}, preparedKey: undefined } });
  });

  it('names the early work prepared for the stream: a dial-out by its dial key, an answered call by its prepared key', () => {
    expect(admitStream(open, {}, url('&prepared=p1'), held)).toMatchObject({ ok: true, admission: { preparedKey: 'answered:p1' } });
    expect(admitStream(open, {}, url('&dial=k1&prepared=p1'), held)).toMatchObject({ ok: true, admission: { preparedKey: 'dial:k1' } });
  });

  it('authenticates by the Telnyx header or the URL token', () => {
    expect(admitStream(guarded, { 'x-telnyx-streaming-auth-token': 'secret-token-0123456789' }, url(''), held)).toMatchObject({ ok: true, admission: { authenticated: true } });
    expect(admitStream(guarded, {}, url('&token=secret-token-0123456789'), held)).toMatchObject({ ok: true, admission: { authenticated: true } });
  });

  it('refuses a wrong token at once, and leaves a missing one to the connected frame', () => {
    expect(admitStream(guarded, { 'x-telnyx-streaming-auth-token': 'nope' }, url(''), held)).toEqual({ ok: false, detail: 'wrong stream auth token in the header' });
    expect(admitStream(guarded, {}, url('&token=nope'), held)).toEqual({ ok: false, detail: 'wrong stream auth token in the url' });
    expect(admitStream(guarded, {}, url(''), held)).toEqual({ ok: true, admission: { authenticated: false, parameters: {} } });
  });
});
