/**
 * The per-address rate on media upgrades, against the real server: it counts the real client
 * (X-Forwarded-For only from a trusted proxy), it holds back what a stranger's flood looks like
 * (no such agent, a wrong token, the token still to come), and by default it leaves alone streams
 * that show their agent's token, which carriers open by the hundred from a few addresses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { echoBot } from '../../bots/echo.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { upgradeStatus } from '../support/upgradeStatus.js';

const TOKEN = 'per-address-rate-token-0123456789';
const UNVERIFIED_PER_SECOND = 2;

type Engine = Awaited<ReturnType<typeof startTestEngine>>;
const engines: Engine[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

/** An engine whose unverified rate is small enough to reach in one burst; the verified rate at its default. */
async function engineBehind(trustedProxies: string[]): Promise<Engine> {
  const engine = await startTestEngine([testAgent('guarded', echoBot, { streamAuthToken: TOKEN })], {
    admission: { connectionsPerSecondPerIp: UNVERIFIED_PER_SECOND },
    server: { trustedProxies },
  });
  engines.push(engine);
  return engine;
}

/** `count` upgrades sent together (so no token refills between them), their statuses counted. */
async function burst(count: number, url: string, headers: (i: number) => Record<string, string> = () => ({})): Promise<Record<number, number>> {
  const statuses = await Promise.all(Array.from({ length: count }, (_, i) => upgradeStatus(url, headers(i))));
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function rateLimitedTotal(engine: Engine): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${engine.port}/metrics`)).text();
  const line = /callwire_connections_rejected_total\{cause="rate_limited"\} (\d+)/.exec(text);
  return line === null ? 0 : Number(line[1]);
}

describe('per-address upgrade rate', () => {
  it('lets streams that show their token, and streams to an agent without one, through in any number by default', async () => {
    const engine = await engineBehind([]);
    expect(await burst(20, `${engine.url('guarded.test')}&token=${TOKEN}`)).toEqual({ 101: 20 });
    expect(await burst(20, engine.url('guarded.test'), () => ({ 'x-telnyx-streaming-auth-token': TOKEN }))).toEqual({ 101: 20 });
    expect(await burst(20, engine.url('echo.default'))).toEqual({ 101: 20 });
    expect(await rateLimitedTotal(engine)).toBe(0);
  });

  it('holds back unverified upgrades (token still to come, wrong token, no such agent) from one address to its rate', async () => {
    const engine = await engineBehind([]);
    expect(await burst(UNVERIFIED_PER_SECOND + 4, engine.url('guarded.test'))).toEqual({ 101: UNVERIFIED_PER_SECOND, 429: 4 });
    // The same address is out of unverified tokens, whatever the kind of stranger it plays next…
    expect(await upgradeStatus(`${engine.url('guarded.test')}&token=wrong-token-0123456789`)).toBe(429);
    expect(await upgradeStatus(engine.url('ghost.test'))).toBe(429);
    // …while its verified streams are not touched.
    expect(await upgradeStatus(`${engine.url('guarded.test')}&token=${TOKEN}`)).toBe(101);
    expect(await rateLimitedTotal(engine)).toBe(6);
  });

  it('behind a trusted proxy, counts each client named in X-Forwarded-For on its own', async () => {
    const engine = await engineBehind(['127.0.0.1']);
    const first = { 'x-forwarded-for': '198.51.100.7' };
    expect(await burst(UNVERIFIED_PER_SECOND + 2, engine.url('ghost.test'), () => first)).toEqual({ 101: UNVERIFIED_PER_SECOND, 429: 2 });
    // Another client through the same proxy has its own budget: the proxy's address is not the client.
    expect(await burst(UNVERIFIED_PER_SECOND, engine.url('ghost.test'), () => ({ 'x-forwarded-for': '6.6.6.6, 198.51.100.8' }))).toEqual({ 101: UNVERIFIED_PER_SECOND });
  });

  it('from a peer that is not a trusted proxy, ignores X-Forwarded-For: a client cannot pick a fresh budget', async () => {
    const engine = await engineBehind(['10.0.0.0/8']);
    const outcome = await burst(UNVERIFIED_PER_SECOND + 2, engine.url('ghost.test'), (i) => ({ 'x-forwarded-for': `198.51.100.${i + 1}` }));
    expect(outcome).toEqual({ 101: UNVERIFIED_PER_SECOND, 429: 2 });
  });
});
