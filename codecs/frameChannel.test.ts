import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FrameChannel } from './frameChannel.js';

describe('FrameChannel', () => {
  it('delivers each value to every subscriber, in order, from subscription on', () => {
    const channel = new FrameChannel<number>();
    const first: number[] = [];
    const second: number[] = [];
    channel.observable.subscribe((value) => first.push(value));
    channel.next(1);
    channel.observable.pipe(map((value) => value * 10)).subscribe((value) => second.push(value));
    channel.next(2);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([20]);
  });

  it('stops delivering after unsubscribe, even from inside a delivery', () => {
    const channel = new FrameChannel<number>();
    const seen: number[] = [];
    const subscription = channel.observable.subscribe((value) => {
      seen.push(value);
      if (value === 2) subscription.unsubscribe();
    });
    const other: number[] = [];
    channel.observable.subscribe((value) => other.push(value));
    for (const value of [1, 2, 3]) channel.next(value);
    expect(seen).toEqual([1, 2]);
    expect(other).toEqual([1, 2, 3]);
    expect(channel.observed).toBe(true);
  });

  it('completes current and later subscribers', () => {
    const channel = new FrameChannel<number>();
    let completed = 0;
    channel.observable.subscribe({ complete: () => completed++ });
    channel.complete();
    channel.complete();
    channel.observable.subscribe({ complete: () => completed++ });
    expect(completed).toBe(2);
    expect(channel.observed).toBe(false);
  });
});
