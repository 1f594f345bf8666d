import { describe, expect, it } from 'vitest';
import { WorkerPool } from './workerPool.js';

describe('WorkerPool', () => {
  it('sends a connection to the ready worker with the fewest live calls', () => {
    const pool = new WorkerPool();
    const a = pool.add(1, 101);
    const b = pool.add(2, 102);
    expect(pool.pick()).toBeUndefined();
    a.ready = true;
    b.ready = true;
    pool.callEvent(1, 'started', 'call-1', 'echo.default');
    expect(pool.pick()?.id).toBe(2);
    pool.callEvent(2, 'started', 'call-2', 'echo.default');
    pool.callEvent(2, 'started', 'call-3', 'menu.default');
    expect(pool.pick()?.id).toBe(1);
    expect(pool.calls).toBe(3);
  });

  it('knows which worker holds a live call by its call_control_id, until the call ends or its worker dies', () => {
    const pool = new WorkerPool();
    pool.add(1, 101).ready = true;
    const second = pool.add(2, 102);
    second.ready = true;
    pool.callEvent(2, 'started', 'call-1', 'echo.default', 'try-aa');
    pool.callEvent(1, 'started', 'call-2', 'echo.default', 'try-bb');
    expect(pool.holderOf('try-aa')?.id).toBe(2);
    expect(pool.holderOf('try-bb')?.id).toBe(1);
    second.ready = false;
    expect(pool.holderOf('try-aa')).toBeUndefined();
    second.ready = true;
    pool.callEvent(2, 'ended', 'call-1', 'echo.default');
    expect(pool.holderOf('try-aa')).toBeUndefined();
    pool.remove(1);
    expect(pool.holderOf('try-bb')).toBeUndefined();
  });

  it('takes tied workers in turn', () => {
    const pool = new WorkerPool();
    for (const id of [1, 2, 3]) pool.add(id, 100 + id).ready = true;
    const picked = new Set([pool.pick()?.id, pool.pick()?.id, pool.pick()?.id]);
    expect(picked).toEqual(new Set([1, 2, 3]));
  });

  it('returns the calls a dead worker still had, and ignores ends of calls it never saw start', () => {
    const pool = new WorkerPool();
    pool.add(1, 101);
    pool.callEvent(1, 'started', 'call-1', 'echo.default');
    pool.callEvent(1, 'started', 'call-2', 'menu.default');
    pool.callEvent(1, 'ended', 'call-1', 'echo.default');
    pool.callEvent(1, 'ended', 'never-started', 'echo.default');
    pool.callEvent(9, 'started', 'unknown-worker', 'echo.default');
    expect(pool.remove(1)).toEqual([{ callId: 'call-2', agent: 'menu.default' }]);
    expect(pool.remove(1)).toEqual([]);
    expect(pool.size).toBe(0);
  });

  it('is ready while one ready worker takes calls, and says why not otherwise', () => {
    const pool = new WorkerPool();
    expect(pool.unreadyCause()).toBe('no_workers');
    const a = pool.add(1, 101);
    const b = pool.add(2, 102);
    a.ready = true;
    b.ready = true;
    a.unready = 'at_capacity';
    expect(pool.unreadyCause()).toBeUndefined();
    b.unready = 'overloaded';
    expect(pool.unreadyCause()).toBe('at_capacity');
  });
});
