import { describe, expect, it } from 'vitest';
import { resolveWorkerCount } from './workerCount.js';

const plain = { telnyx: {} };
const callControl = { telnyx: { apiKey: 'KEY' } };
const webhooks = { telnyx: { publicKey: 'PUBLIC' } };
const sharedInRedis = { telnyx: { apiKey: 'KEY', publicKey: 'PUBLIC' }, redis: { url: 'redis://127.0.0.1:6379' } };

describe('resolveWorkerCount', () => {
  it('runs one worker per core by default', () => {
    expect(resolveWorkerCount(undefined, plain, 8)).toMatchObject({ workers: 8 });
  });

  it('runs one process by default when Telnyx Call Control or webhooks are configured', () => {
    expect(resolveWorkerCount(undefined, callControl, 8)).toMatchObject({ workers: 1 });
    expect(resolveWorkerCount(undefined, webhooks, 8)).toMatchObject({ workers: 1 });
  });

  it('takes an explicit count, and refuses more than one with Call Control', () => {
    expect(resolveWorkerCount('3', plain, 8)).toMatchObject({ workers: 3 });
    expect(resolveWorkerCount('1', callControl, 8)).toMatchObject({ workers: 1 });
    expect(resolveWorkerCount('2', callControl, 8)).toMatch(/cannot run with Telnyx Call Control.*Set redis\.url/);
  });

  it('runs Call Control on every core when its state is shared in Redis', () => {
    expect(resolveWorkerCount(undefined, sharedInRedis, 8)).toEqual({ workers: 8, why: 'one worker per available core; Telnyx call state shared in Redis' });
    expect(resolveWorkerCount('3', sharedInRedis, 8)).toMatchObject({ workers: 3 });
  });

  it('refuses what is not a count', () => {
    for (const bad of ['0', '-1', '1.5', 'many', '2000']) expect(resolveWorkerCount(bad, plain, 8)).toMatch(/--workers must be/);
  });
});
