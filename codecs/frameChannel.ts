import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot, multicast source for per-frame values: what rxjs's `Subject` is, without its per-value
 * cost. `Subject.next` in rxjs 7 wraps every value in a fresh closure (`errorContext`) and a
 * `for…of` iterator, about 240 bytes per call; {@link next} here allocates nothing.
 *
 * @remarks Subscribers added while a value is being delivered get the next value, not this one.
 */
export class FrameChannel<T> {
  /** Subscribe here; each subscriber gets every value sent after it subscribed. */
  readonly observable: Observable<T>;
  /** Current subscribers; `undefined` marks one that left during a delivery, removed right after it. */
  readonly #subscribers: (Subscriber<T> | undefined)[] = [];
  #delivering = false;
  #holes = false;
  #completed = false;

  constructor() {
    this.observable = new Observable<T>((subscriber) => {
      if (this.#completed) {
        subscriber.complete();
        return undefined;
      }
      this.#subscribers.push(subscriber);
      return () => this.#remove(subscriber);
    });
  }

  /** True while at least one subscriber listens. */
  get observed(): boolean {
    for (const subscriber of this.#subscribers) if (subscriber !== undefined) return true;
    return false;
  }

  /** Delivers `value` to every current subscriber, synchronously. */
  next(value: T): void {
    const subscribers = this.#subscribers;
    const count = subscribers.length;
    this.#delivering = true;
    try {
      for (let i = 0; i < count; i++) subscribers[i]?.next(value);
    } finally {
      this.#delivering = false;
      if (this.#holes) this.#compact();
    }
  }

  /** Completes every subscriber; later subscribers complete at once. Idempotent. */
  complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    const subscribers = this.#subscribers.splice(0);
    for (const subscriber of subscribers) subscriber?.complete();
  }

  #remove(subscriber: Subscriber<T>): void {
    const index = this.#subscribers.indexOf(subscriber);
    if (index < 0) return;
    if (this.#delivering) {
      // Splicing now would shift the array under the running delivery loop.
      this.#subscribers[index] = undefined;
      this.#holes = true;
    } else {
      this.#subscribers.splice(index, 1);
    }
  }

  #compact(): void {
    this.#holes = false;
    let kept = 0;
    const subscribers = this.#subscribers;
    for (const subscriber of subscribers) if (subscriber !== undefined) subscribers[kept++] = subscriber;
    subscribers.length = kept;
  }
}
