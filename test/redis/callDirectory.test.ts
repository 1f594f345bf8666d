import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBot } from '../../bots/defineBot.js';
import { echoBot } from '../../bots/echo.js';
import { callEntrySchema, nodeEntrySchema, parseEntry } from '../../engine/redis/directoryEntries.js';
import { callControlKey, callKey, nodeKey } from '../../engine/redis/redisKeys.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const NUMBER = '+13125550001';
const TRANSFERRING_NUMBER = '+13125550002';

/** Transfers the call on key 0, after a short beep. */
const transferBot = defineBot({
  name: 'transferrer',
  create: ({ output, transfer }) => ({
    dtmf: (digit) => {
      if (digit !== '0') return;
      output.play(new Int16Array(1600).map((_, i) => Math.round(Math.sin(i / 3) * 8000)));
      transfer('+13125559999');
    },
  }),
});
const NODE = 'node-a';

let redis: RedisServer;
let bed: TelnyxTestBed;
let reader: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  bed = await startTelnyxEngine([testAgent('echoer', echoBot, { phoneNumbers: [NUMBER] }), testAgent('transferrer', transferBot, { phoneNumbers: [TRANSFERRING_NUMBER] })], {
    allowedHosts: ['127.0.0.1'],
    redis: { url: redis.url, nodeId: NODE, ttlMs: 3_000 },
  });
});

afterAll(async () => {
  await bed?.close();
  reader?.disconnect();
  await redis?.close();
});

describe('call directory and node registry in Redis', () => {
  it('lists a Call Control call by call id and call_control_id while it lives, and forgets it when it ends', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await media.streamMedia(mulawTone(10));
    await bed.sim.waitFor(() => bed.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to start');
    const session = bed.engine.calls.byCallControlId(leg.callControlId)!;

    await eventually(async () => (await reader.get(callControlKey(leg.callControlId))) === session.id, 'the call_control_id entry');
    const entry = parseEntry(callEntrySchema, await reader.get(callKey(session.id)));
    expect(entry).toMatchObject({ callId: session.id, callControlId: leg.callControlId, node: NODE, worker: null, agent: 'echoer.test', state: 'streaming' });
    expect(Date.parse(entry!.startedAt)).not.toBeNaN();
    // Entries carry the TTL, so a node that dies takes them along.
    expect(await reader.pttl(callKey(session.id))).toBeGreaterThan(0);

    await eventually(async () => parseEntry(nodeEntrySchema, await reader.get(nodeKey(NODE, undefined)))?.calls === 1, 'a heartbeat counting the call');
    const node = parseEntry(nodeEntrySchema, await reader.get(nodeKey(NODE, undefined)));
    expect(node).toMatchObject({ node: NODE, worker: null, pid: process.pid, draining: false });
    expect(node!.address).toBe(`${hostname()}:${bed.engine.port}`);

    await leg.hangup();
    await eventually(async () => (await reader.exists(callKey(session.id), callControlKey(leg.callControlId))) === 0, 'the entries to be removed');
    expect(bed.engine.calls.size).toBe(0);
  });

  it('rewrites the entry when the call changes state (here, to transferring)', async () => {
    const written: string[] = [];
    const monitor = await reader.duplicate().monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'set' && args[1]?.startsWith('callwire:call:')) written.push(args[2]!);
    });
    try {
      const leg = await bed.sim.inboundCall({ from: '+13125550102', to: TRANSFERRING_NUMBER });
      const media = await leg.streamOpened(EVENT_WAIT_MS);
      await eventually(() => written.some((value) => value.includes(leg.callControlId)), 'the call listed');
      media.sendDtmf('0');
      await bed.sim.waitFor(() => bed.engine.calls.size === 0, EVENT_WAIT_MS, 'the transferred call to end');
      const states = written.map((value) => parseEntry(callEntrySchema, value)).filter((entry) => entry?.callControlId === leg.callControlId).map((entry) => entry!.state);
      expect(states[0]).toBe('streaming');
      expect(states).toContain('transferring');
      await eventually(async () => (await reader.exists(callControlKey(leg.callControlId))) === 0, 'the transferred call removed');
    } finally {
      monitor.disconnect();
    }
  });

  it('heartbeats the node entry with a fresh TTL, counting the calls left', async () => {
    const firstSeen = parseEntry(nodeEntrySchema, await reader.get(nodeKey(NODE, undefined)))!.lastSeen;
    // A later heartbeat rewrites the entry (TTL 3 s, a heartbeat every second).
    await eventually(async () => parseEntry(nodeEntrySchema, await reader.get(nodeKey(NODE, undefined)))?.lastSeen !== firstSeen, 'a second heartbeat');
    expect(parseEntry(nodeEntrySchema, await reader.get(nodeKey(NODE, undefined)))?.calls).toBe(0);
    expect(await reader.pttl(nodeKey(NODE, undefined))).toBeGreaterThan(0);
  });

  it('shows a draining engine as draining at once, and takes it out of the registry when it has closed', async () => {
    const other = await startTelnyxEngine([], { redis: { url: redis.url, nodeId: 'node-closing', ttlMs: 60_000 } });
    await eventually(async () => (await reader.exists(nodeKey('node-closing', undefined))) === 1, 'the second node to register');
    const written: boolean[] = [];
    const monitor = await reader.duplicate().monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'set' && args[1] === nodeKey('node-closing', undefined)) written.push(parseEntry(nodeEntrySchema, args[2] ?? null)!.draining);
    });
    try {
      // A heartbeat comes every 20 s at this TTL: the draining entry is written by the drain itself.
      await other.engine.drain(5_000);
      await eventually(() => written.includes(true), 'the draining entry');
      expect(await reader.exists(nodeKey('node-closing', undefined))).toBe(0);
    } finally {
      monitor.disconnect();
      await other.close();
    }
  });
});
