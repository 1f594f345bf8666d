import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BodiesInFlight, type BodiesInFlightLimits, type BodyLane, type BodyRefusalCause } from './bodiesInFlight.js';

/** A request with its socket and response, as the bounds see them. */
class FakeExchange {
  readonly socket = { destroyed: false, destroy: (): void => this.#close() };
  readonly request: IncomingMessage;
  readonly response = new EventEmitter() as EventEmitter & { req: IncomingMessage };
  constructor(readonly address: string) {
    this.request = { socket: this.socket, address } as unknown as IncomingMessage;
    this.response.req = this.request;
  }
  /** The engine answered: the response closes. */
  answer(): void {
    this.response.emit('close');
  }
  #close(): void {
    if (this.socket.destroyed) return;
    this.socket.destroyed = true;
    this.response.emit('close');
  }
}

function bounded(limits: Partial<BodiesInFlightLimits> = {}) {
  const clock = new ManualClock(0);
  const cutOff: BodyRefusalCause[] = [];
  const bodies = new BodiesInFlight(
    { maxBodies: 100, maxBodiesPerAddress: 100, deadlineMs: { carrier: 2000, api: 10_000 }, ...limits },
    { clock, onCutOff: (cause) => cutOff.push(cause), clientAddress: (request) => (request as unknown as { address: string }).address },
  );
  const arrive = (address = '203.0.113.1', lane: BodyLane = 'carrier'): FakeExchange & { admitted: boolean } => {
    const exchange = new FakeExchange(address);
    return Object.assign(exchange, { admitted: bodies.admit(exchange.request, exchange.response as unknown as ServerResponse, lane) });
  };
  return { clock, bodies, cutOff, arrive };
}

/** Lets the sweep's follow-up batches (one per turn of the event loop) run. */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('BodiesInFlight', () => {
  it('cuts off a body from an address that already has its share in flight, and no one else', () => {
    const { arrive, cutOff, bodies } = bounded({ maxBodiesPerAddress: 2 });
    const first = [arrive('198.51.100.7'), arrive('198.51.100.7')];
    const third = arrive('198.51.100.7');
    const other = arrive('192.0.2.1');
    expect(first.map((exchange) => exchange.admitted)).toEqual([true, true]);
    expect([third.admitted, third.socket.destroyed]).toEqual([false, true]);
    expect([other.admitted, other.socket.destroyed]).toEqual([true, false]);
    expect(cutOff).toEqual(['requests_per_address']);
    expect(bodies.size).toBe(3);
  });

  it('frees an address share once the body is answered', () => {
    const { arrive, bodies } = bounded({ maxBodiesPerAddress: 1 });
    arrive().answer();
    expect(bodies.size).toBe(0);
    expect(arrive().admitted).toBe(true);
  });

  it('at the engine-wide cap, cuts off the newcomer while every body is young, then the oldest once past the grace', () => {
    const { clock, arrive, cutOff, bodies } = bounded({ maxBodies: 2 });
    const oldest = arrive('192.0.2.1');
    const younger = arrive('192.0.2.2');
    const early = arrive('192.0.2.3');
    expect([early.admitted, early.socket.destroyed]).toEqual([false, true]);
    clock.advance(500);
    const late = arrive('192.0.2.4');
    expect(late.admitted).toBe(true);
    expect([oldest.socket.destroyed, younger.socket.destroyed]).toEqual([true, false]);
    expect(cutOff).toEqual(['requests_in_flight', 'evicted_slow_request']);
    expect(bodies.size).toBe(2);
  });

  it('cuts off each body within its lane deadline and half again: carrier bodies first, API bodies later', () => {
    const { clock, arrive, cutOff } = bounded();
    const carrier = arrive('192.0.2.1', 'carrier');
    const api = arrive('192.0.2.1', 'api');
    clock.advance(1900);
    expect(carrier.socket.destroyed).toBe(false);
    clock.advance(1400);
    expect([carrier.socket.destroyed, api.socket.destroyed]).toEqual([true, false]);
    clock.advance(6600);
    expect(api.socket.destroyed).toBe(false);
    clock.advance(5400);
    expect(api.socket.destroyed).toBe(true);
    expect(cutOff).toEqual(['body_timeout', 'body_timeout']);
  });

  it('spreads the deadlines of bodies that began together', () => {
    const { clock, arrive, bodies } = bounded({ maxBodies: 1000, maxBodiesPerAddress: 1000 });
    Array.from({ length: 100 }, () => arrive());
    clock.advance(2500);
    // Each is cut off somewhere in 2 to 3 s: halfway through, some are gone and some are not.
    expect(bodies.size).toBeGreaterThan(0);
    expect(bodies.size).toBeLessThan(100);
    clock.advance(600);
  });

  it('leaves an answered body alone at its deadline', () => {
    const { clock, arrive, cutOff } = bounded();
    const answered = arrive();
    answered.answer();
    clock.advance(5000);
    expect([answered.socket.destroyed, cutOff]).toEqual([false, []]);
  });

  it('cuts off thousands of bodies expiring together a batch per turn of the event loop', async () => {
    const { clock, arrive, bodies } = bounded({ maxBodies: 1000, maxBodiesPerAddress: 1000 });
    const all = Array.from({ length: 300 }, () => arrive());
    // The sweep comes late (a busy event loop), when every one of them has expired.
    clock.stall(3250);
    clock.advance(0);
    const cutInFirstTurn = all.filter((exchange) => exchange.socket.destroyed).length;
    expect(cutInFirstTurn).toBeGreaterThan(0);
    expect(cutInFirstTurn).toBeLessThan(300);
    await turns(5);
    expect(bodies.size).toBe(0);
    expect(all.every((exchange) => exchange.socket.destroyed)).toBe(true);
  });
});
