import { EventEmitter } from 'node:events';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { ConnectionGuard, type ConnectionCloseCause, type ConnectionGuardLimits } from './connectionGuard.js';

/** A TCP connection as the guard sees it. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  written = '';
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
  end(text: string): void {
    this.written += text;
  }
  destroySoon(): void {
    this.destroy();
  }
}

/** What the guard touches of a response. */
class FakeResponse extends EventEmitter {
  readonly req: { readonly socket: FakeSocket };
  constructor(socket: FakeSocket) {
    super();
    this.req = { socket };
  }
  end(): void {
    this.emit('finish');
    this.emit('close');
  }
}

function guarded(limits: Partial<ConnectionGuardLimits> = {}, trusted: string[] = [], saturated: string[] = []) {
  const clock = new ManualClock(0);
  const server = new EventEmitter();
  const closed: ConnectionCloseCause[] = [];
  const guard = new ConnectionGuard(
    { maxConnections: 4, maxIdleConnections: 1000, maxIdlePerAddress: 3, idleTimeoutMs: 5000, ...limits },
    { clock, onClosed: (cause) => closed.push(cause), isTrustedProxy: (address) => trusted.includes(address), isSaturated: (address) => saturated.includes(address) },
  );
  guard.attach(server as unknown as Server);
  const connect = (address = '203.0.113.1'): FakeSocket => {
    const socket = new FakeSocket(address);
    server.emit('connection', socket as unknown as Socket);
    return socket;
  };
  const request = (socket: FakeSocket): FakeResponse => {
    const response = new FakeResponse(socket);
    guard.requestStarted(response as unknown as ServerResponse);
    return response;
  };
  const upgrade = (socket: FakeSocket): void => void server.emit('upgrade', { socket });
  return { clock, guard, closed, connect, request, upgrade };
}

describe('ConnectionGuard', () => {
  it('at the cap, closes the connection idle the longest to make room', () => {
    const { guard, closed, connect, upgrade } = guarded({ maxIdlePerAddress: 100 });
    const busy = connect();
    upgrade(busy);
    const silent = [connect(), connect(), connect()];
    expect(guard.open).toBe(4);
    const newcomer = connect();
    expect(silent[0]!.destroyed).toBe(true);
    expect(newcomer.destroyed).toBe(false);
    expect(busy.destroyed).toBe(false);
    expect(closed).toEqual(['evicted_idle']);
    expect(guard.open).toBe(4);
  });

  it('answers 503 and closes a new connection when every open one is busy', () => {
    const { closed, connect, upgrade } = guarded();
    for (let i = 0; i < 4; i++) upgrade(connect());
    const refused = connect();
    expect(refused.destroyed).toBe(true);
    expect(refused.written).toMatch(/^HTTP\/1\.1 503 /);
    expect(closed).toEqual(['connection_cap']);
  });

  it('caps the idle connections of one address, but not of a trusted proxy', () => {
    const { closed, connect } = guarded({ maxConnections: 100 }, ['10.0.0.2']);
    for (let i = 0; i < 3; i++) connect('198.51.100.7');
    expect(connect('198.51.100.7').destroyed).toBe(true);
    expect(connect('198.51.100.8').destroyed).toBe(false);
    for (let i = 0; i < 10; i++) expect(connect('10.0.0.2').destroyed).toBe(false);
    expect(closed).toEqual(['idle_per_address']);
  });

  it('closes connections that stay idle past the deadline, oldest first, and only those', () => {
    const { clock, closed, connect, request, guard } = guarded({ maxConnections: 100, maxIdlePerAddress: 100 });
    const early = connect();
    clock.advance(3000);
    const late = connect();
    const working = connect();
    request(working);
    clock.advance(2000);
    expect(early.destroyed).toBe(true);
    expect(late.destroyed).toBe(false);
    clock.advance(3000);
    expect(late.destroyed).toBe(true);
    expect(working.destroyed).toBe(false);
    expect(closed).toEqual(['idle_timeout', 'idle_timeout']);
    expect(guard.idle).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('closes a wave of expired connections a batch per turn of the event loop', async () => {
    const { clock, connect, guard } = guarded({ maxConnections: 1000, maxIdleConnections: 1000, maxIdlePerAddress: 1000 });
    const sockets = Array.from({ length: 300 }, () => connect());
    clock.advance(5000);
    expect(sockets.filter((socket) => socket.destroyed).length).toBe(128);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets.filter((socket) => socket.destroyed).length).toBe(256);
    await new Promise((resolve) => setImmediate(resolve));
    expect(guard.idle).toBe(0);
    guard.close();
  });

  it('counts a kept-alive connection idle again once its response is sent', () => {
    const { clock, connect, request, guard } = guarded({ maxConnections: 100 });
    const socket = connect();
    const response = request(socket);
    expect(guard.idle).toBe(0);
    response.emit('finish');
    expect(guard.idle).toBe(1);
    clock.advance(5000);
    expect(socket.destroyed).toBe(true);
  });

  it('keeps at most maxIdleConnections idle, closing the oldest, while busy connections are not counted', () => {
    const { closed, connect, upgrade, guard } = guarded({ maxConnections: 100, maxIdleConnections: 2, maxIdlePerAddress: 100 });
    const busy = connect();
    upgrade(busy);
    const first = connect();
    const second = connect();
    const third = connect();
    expect(first.destroyed).toBe(true);
    expect([second.destroyed, third.destroyed, busy.destroyed]).toEqual([false, false, false]);
    expect(guard.idle).toBe(2);
    expect(closed).toEqual(['evicted_idle']);
  });

  it('cuts off, unanswered, a new connection from an address that has its share of bodies in flight, unless it is a trusted proxy', () => {
    const { closed, connect, guard } = guarded({ maxConnections: 2 }, ['10.0.0.2'], ['203.0.113.9', '10.0.0.2']);
    const proxy = connect('10.0.0.2');
    const other = connect('203.0.113.1');
    const saturated = connect('203.0.113.9');
    expect([saturated.destroyed, saturated.written]).toEqual([true, '']);
    // Nothing idle was pushed out to make room for a connection that was not going to stay.
    expect([proxy.destroyed, other.destroyed]).toEqual([false, false]);
    expect(closed).toEqual(['requests_per_address']);
    expect(guard.open).toBe(2);
  });

  it('forgets a connection when it closes', () => {
    const { connect, guard } = guarded();
    const socket = connect();
    socket.destroy();
    expect(guard.open).toBe(0);
    expect(guard.idle).toBe(0);
  });
});
