import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { LogLines } from '../../test/support/telnyxEngine.js';
import { RedisOutage, type RedisOp } from './redisOutage.js';

function tracker(): { outage: RedisOutage; counted: RedisOp[]; logs: LogLines } {
  const logs = new LogLines();
  const counted: RedisOp[] = [];
  return { outage: new RedisOutage(createLogger('debug', logs.stream), (op) => counted.push(op)), counted, logs };
}

/** Lines reach the test's stream on a later turn. */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisOutage', () => {
  it('counts every failure and logs each kind once per outage; the next outage is logged again', async () => {
    const { outage, counted, logs } = tracker();
    for (let i = 0; i < 50; i++) outage.failed('heartbeat', new Error('Stream isn\'t writeable'));
    outage.failed('call_write', new Error('Connection is closed.'));
    outage.failed('call_write', new Error('Connection is closed.'));
    expect(outage.down).toBe(true);
    await flushed();
    expect(counted).toHaveLength(52);
    expect(logs.withMessage('redis unavailable').map((line) => [line['op'], line['reason']])).toEqual([
      ['heartbeat', "Stream isn't writeable"],
      ['call_write', 'Connection is closed.'],
    ]);

    expect(outage.recovered()).toBe(true);
    expect(outage.down).toBe(false);
    expect(outage.recovered()).toBe(false);
    outage.failed('heartbeat', new Error('again'));
    await flushed();
    expect(logs.withMessage('redis unavailable')).toHaveLength(3);
  });

  it('does not take a value that does not parse, or shed reads, for Redis being away', async () => {
    const { outage, counted, logs } = tracker();
    outage.failed('bad_reply', new Error('callwire:dial:x is not a JSON object of strings'));
    outage.failed('bad_reply', new Error('callwire:dial:y is not a JSON object of strings'));
    outage.failed('dial_read_busy', new Error('64 reads already in flight'));
    expect(outage.down).toBe(false);
    expect(outage.recovered()).toBe(false);
    await flushed();
    expect(counted).toEqual(['bad_reply', 'bad_reply', 'dial_read_busy']);
    expect(logs.withMessage('did not parse')).toHaveLength(1);
    expect(logs.withMessage('shed')).toHaveLength(1);
  });
});
