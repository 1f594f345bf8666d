import { describe, expect, it } from 'vitest';
import { defineBot } from '../bots/defineBot.js';
import { buildAgent } from './agent.js';
import { ManualClock } from './clock.js';
import { silentLogger } from './logger.js';
import { PREPARED_CALL_TTL_MS, PreparedCalls } from './preparedCalls.js';

function preparingAgent(name: string, made: { disposed: number; previews: unknown[] }) {
  const bot = defineBot({
    name,
    prepare: (preview) => {
      made.previews.push(preview);
      return { dispose: () => void made.disposed++ };
    },
    create: () => ({}),
  });
  return buildAgent('test', name, bot, name, { options: { greeting: 'hi' }, customParameters: { tier: 'gold' } });
}

const call = { callControlId: 'v3:abc', from: '+13125550100', to: '+13125550199', customParameters: { tier: 'gold' } };

describe('PreparedCalls', () => {
  it("runs the agent's preparation with what is known, and hands it to that agent's stream once", () => {
    const made = { disposed: 0, previews: [] as unknown[] };
    const agent = preparingAgent('desk', made);
    const prepared = new PreparedCalls(new ManualClock(), silentLogger());
    prepared.prepare(agent, 'answered:1', call, silentLogger());
    expect(made.previews[0]).toMatchObject({ org: 'test', agent: 'desk', from: '+13125550100', expectedEncoding: 'PCMU', botSampleRate: 8000, options: { greeting: 'hi' } });
    expect(prepared.take('answered:1', preparingAgent('other', made))).toBeUndefined();
    expect(prepared.take('answered:1', agent)).toBeDefined();
    expect(prepared.take('answered:1', agent)).toBeUndefined();
    expect(made.disposed).toBe(0);
  });

  it('disposes of what no stream took, after its time-to-live and at shutdown', () => {
    const made = { disposed: 0, previews: [] as unknown[] };
    const agent = preparingAgent('desk', made);
    const clock = new ManualClock();
    const prepared = new PreparedCalls(clock, silentLogger());
    prepared.prepare(agent, 'dial:1', call, silentLogger());
    prepared.prepare(agent, 'dial:2', call, silentLogger());
    clock.advance(PREPARED_CALL_TTL_MS - 1);
    expect(made.disposed).toBe(0);
    clock.advance(1);
    expect(made.disposed).toBe(2);
    prepared.prepare(agent, 'dial:3', call, silentLogger());
    prepared.close();
    expect(made.disposed).toBe(3);
    expect(prepared.size).toBe(0);
  });

  it('does nothing for a bot without a preparation, and survives one that throws', () => {
    const plain = buildAgent('test', 'plain', defineBot({ name: 'plain', create: () => ({}) }), 'plain');
    const throwing = buildAgent('test', 'bad', defineBot({ name: 'bad', prepare: () => { throw new Error('no'); }, create: () => ({}) }), 'bad');
    const prepared = new PreparedCalls(new ManualClock(), silentLogger());
    prepared.prepare(plain, 'a', call, silentLogger());
    prepared.prepare(throwing, 'b', call, silentLogger());
    expect(prepared.size).toBe(0);
  });
});
