import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { buildAgent } from './agent.js';
import { echoBot } from '../bots/echo.js';
import { ManualClock } from './clock.js';
import { StreamGate, type GateRefusal } from './streamGate.js';

const TOKEN = 'gate-secret-0123456789';
const agent = buildAgent('test', 'guarded', echoBot, 'echo', { streamAuthToken: TOKEN });

/** Just enough of a ws socket: message/close events in, close() out. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  closedWith: [number, string] | undefined;
  terminated = false;
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  paused = false;
  pause(): void {
    this.paused = true;
  }
  text(value: string): void {
    this.emit('message', Buffer.from(value, 'utf8'), false);
  }
}

function gate(deadlineMs = 3000) {
  const clock = new ManualClock(0);
  const ws = new FakeSocket();
  const outcome: { authenticated?: Buffer; refused?: GateRefusal; closed?: boolean } = {};
  new StreamGate(ws as unknown as WebSocket, agent, {
    clock,
    deadlineMs,
    onAuthenticated: (frame) => (outcome.authenticated = frame),
    onRefused: (why) => (outcome.refused = why),
    onClosed: () => (outcome.closed = true),
  });
  return { clock, ws, outcome };
}

const connected = (token?: string) => JSON.stringify(token === undefined ? { event: 'connected', version: '1.0.0' } : { event: 'connected', version: '1.0.0', connected: { 'x-telnyx-streaming-auth-token': token } });

describe('StreamGate', () => {
  it('hands on the connected frame that carries the right token, and lets go of the socket', () => {
    const { ws, outcome, clock } = gate();
    ws.text(connected(TOKEN));
    expect(outcome.authenticated?.toString()).toBe(connected(TOKEN));
    expect(ws.closedWith).toBeUndefined();
    expect(ws.listenerCount('message')).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a connected frame with a wrong token or none at once', () => {
    const wrong = gate();
    wrong.ws.text(connected(`${TOKEN}-no`));
    expect(wrong.outcome.refused).toBe('wrong_token');
    expect(wrong.ws.closedWith).toEqual([4401, 'stream_unauthorized']);
    // Refused: the close frame goes out and nothing more is read.
    expect(wrong.ws.paused).toBe(true);
    const none = gate();
    none.ws.text(connected());
    expect(none.outcome.refused).toBe('no_token');
  });

  it('refuses after a small allowance of anything else, without reading it', () => {
    const { ws, outcome } = gate();
    const error = JSON.stringify({ event: 'error', payload: { code: 100002, title: 'x', detail: 'y'.repeat(60_000) } });
    ws.text(error);
    ws.text('{"event":"start"}');
    expect(outcome.refused).toBeUndefined();
    ws.text(error);
    expect(outcome.refused).toBe('not_connected');
    expect(ws.closedWith).toEqual([4401, 'stream_unauthorized']);
    ws.text(connected(TOKEN));
    expect(outcome.authenticated).toBeUndefined();
  });

  it('does not parse a large message even if it names connected', () => {
    const { ws, outcome } = gate();
    for (let i = 0; i < 3; i++) ws.text(JSON.stringify({ event: 'connected', padding: 'z'.repeat(10_000) }));
    expect(outcome.refused).toBe('not_connected');
  });

  it('counts binary messages and malformed JSON against the allowance', () => {
    const { ws, outcome } = gate();
    ws.emit('message', Buffer.from([1, 2, 3]), true);
    ws.text('{"event":"connected"');
    ws.text('"connected"');
    expect(outcome.refused).toBe('not_connected');
  });

  it('refuses at the deadline a stream that stays silent', () => {
    const { ws, outcome, clock } = gate(3000);
    clock.advance(2999);
    expect(outcome.refused).toBeUndefined();
    clock.advance(1);
    expect(outcome.refused).toBe('auth_timeout');
    expect(ws.closedWith).toEqual([4401, 'stream_unauthorized']);
  });

  it('reports a socket that closed before either, and keeps an error listener after a refusal', () => {
    const closed = gate();
    closed.ws.emit('close');
    expect(closed.outcome.closed).toBe(true);
    expect(closed.clock.pendingTimers).toBe(0);
    const refused = gate();
    refused.ws.text(connected());
    expect(() => refused.ws.emit('error', new Error('ECONNRESET'))).not.toThrow();
  });

  it('refuses a stream whose frames ws itself rejects (an oversized message)', () => {
    const { ws, outcome } = gate();
    const oversized = Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    // ws has already sent its 1009 and is closing when it reports the error.
    ws.readyState = 2;
    ws.emit('error', oversized);
    expect(outcome.refused).toBe('not_connected');
    expect(ws.terminated).toBe(true);
  });

  it('refuses to hold a stream for an agent without a token', () => {
    const open = buildAgent('test', 'open', echoBot, 'echo');
    expect(() => new StreamGate(new FakeSocket() as unknown as WebSocket, open, { clock: new ManualClock(0), deadlineMs: 1, onAuthenticated: () => {}, onRefused: () => {}, onClosed: () => {} })).toThrow(/no stream auth token/);
  });
});
