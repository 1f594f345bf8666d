/**
 * The webhook event ids (`data.id`) the engine has handled, each remembered until the signature it
 * came with expires, so a redelivery or a replay is handled once however many other events arrive
 * in between.
 *
 * @remarks
 * There is no count cap: a busy account can send more events inside the signature window than any
 * fixed capacity, and an id dropped early could be replayed. Memory is bounded by time instead.
 * Callers ask only after the signature check, which accepts a timestamp at most `tolerance` away
 * in either direction, so `rememberUntilMs` (timestamp + tolerance) is at most now + 2 × tolerance.
 * Ids are dropped from the oldest end once their time has passed; an id behind one that is still
 * due stays a little longer, so every id is gone at most 2 × tolerance after it was last seen
 * (600 s with Telnyx's 300 s): at r events per second, at most r × 600 ids. O(1) amortised per event.
 *
 * @example
 * ```ts
 * const check = verifyWebhookSignature(key, webhook, now);
 * if (check.ok && seen.check(event.id, check.acceptedUntilMs, now)) return; // a redelivery or replay
 * ```
 */
export class SeenWebhookIds {
  /** Id → remember until (ms); a Map iterates in insertion order, so the oldest is first. */
  readonly #until = new Map<string, number>();

  /** Ids currently remembered. */
  get size(): number {
    return this.#until.size;
  }

  /**
   * True when `id` is remembered (a redelivery or replay); otherwise remembers it until
   * `rememberUntilMs` and returns false. A repeat with a later `rememberUntilMs` (Telnyx signs each
   * redelivery afresh) extends it.
   */
  check(id: string, rememberUntilMs: number, nowMs: number): boolean {
    this.#expire(nowMs);
    const until = this.#until.get(id);
    if (until === undefined) {
      this.#until.set(id, rememberUntilMs);
      return false;
    }
    if (rememberUntilMs > until) {
      // Re-inserted at the newest end, so the oldest end stays (nearly) in expiry order.
      this.#until.delete(id);
      this.#until.set(id, rememberUntilMs);
    }
    return true;
  }

  /** Forgets `id`, so its next delivery is handled (used when this delivery was not acted on). */
  forget(id: string): void {
    this.#until.delete(id);
  }

  #expire(nowMs: number): void {
    for (const [id, until] of this.#until) {
      if (until >= nowMs) return;
      this.#until.delete(id);
    }
  }
}
