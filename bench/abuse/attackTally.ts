/**
 * What an attack did, counted as it happens. Every attack writes into one {@link AttackTally};
 * a caller that wants to watch an attack live (a test waiting for a reconnection, the bench's
 * progress lines) passes its own tally in the attack's options and reads the counters.
 */

/** The attacks of the abuse bench. */
export type AttackName = 'error-flood' | 'unknown-flood' | 'preauth-flood' | 'silent-sockets' | 'slow-webhook' | 'big-frames' | 'webhook-replay';

/** What an attack reports once it has stopped: shared counters plus figures of its own (`extra`). */
export interface AttackReport<Extra extends object = Record<string, never>> {
  readonly attack: AttackName;
  /** From the attack's start until its last socket was closed, in ms. */
  readonly elapsedMs: number;
  /** Connections the attack tried to open (TCP connects, WebSocket upgrades, HTTP requests). */
  readonly connectionsAttempted: number;
  /** Connections that opened: TCP connected, WebSocket upgraded, or HTTP request sent. */
  readonly connectionsOpened: number;
  /** Connections open when the report was made: 0 once an attack has stopped, the live count in progress snapshots. */
  readonly open: number;
  /** Most connections open at once. */
  readonly peakOpen: number;
  /** Attempts the engine refused with an HTTP answer, by status (`"429"`, `"503"`). */
  readonly refusedByStatus: Readonly<Record<string, number>>;
  /** Open connections the engine closed, by WebSocket close code (`"4401"`, `"1006"`), or `"tcp"` for plain sockets. */
  readonly closedByEngine: Readonly<Record<string, number>>;
  /** Attempts that failed without an answer, by error code (`"ECONNRESET"`, `"ETIMEDOUT"`). */
  readonly connectErrors: Readonly<Record<string, number>>;
  /** Messages (WebSocket frames, trickled bytes, webhook requests) handed to the kernel. */
  readonly messagesSent: number;
  /** Bytes of those messages (payloads and request bodies, not headers or framing). */
  readonly bytesSent: number;
  readonly extra: Extra;
}

/** Adds one to `key`'s count. */
function countInto(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Live counters of one attack; {@link AttackTally.report} freezes them into an {@link AttackReport}. */
export class AttackTally {
  connectionsAttempted = 0;
  connectionsOpened = 0;
  /** Connections open now. */
  open = 0;
  peakOpen = 0;
  messagesSent = 0;
  bytesSent = 0;
  readonly refusedByStatus = new Map<string, number>();
  readonly closedByEngine = new Map<string, number>();
  readonly connectErrors = new Map<string, number>();
  #startedAt = performance.now();

  /** Restarts the elapsed-time clock (the attack calls it as it begins). */
  begin(): void {
    this.#startedAt = performance.now();
  }

  /** A connection attempt started. */
  attempted(): void {
    this.connectionsAttempted++;
  }

  /** A connection opened and is now held. */
  opened(): void {
    this.connectionsOpened++;
    this.open++;
    if (this.open > this.peakOpen) this.peakOpen = this.open;
  }

  /** A held connection ended; `byEngine` names how (close code or `tcp`) when the engine ended it. */
  ended(byEngine: string | undefined): void {
    this.open--;
    if (byEngine !== undefined) countInto(this.closedByEngine, byEngine);
  }

  /** An attempt the engine answered with HTTP `status` instead of serving. */
  refused(status: number): void {
    countInto(this.refusedByStatus, String(status));
  }

  /** An attempt that failed with `code` (an errno name, or a short description). */
  failed(code: string): void {
    countInto(this.connectErrors, code);
  }

  /** One message of `bytes` bytes left. */
  sent(bytes: number): void {
    this.messagesSent++;
    this.bytesSent += bytes;
  }

  /**
   * Sets the counters to the sums of `parts` (reports of worker processes, each covering its own
   * connections). `open` is their sum; `peakOpen` the largest such sum seen by any `absorb`.
   */
  absorb(parts: readonly AttackReport<object>[]): void {
    const sum = (pick: (part: AttackReport<object>) => number): number => parts.reduce((total, part) => total + pick(part), 0);
    this.connectionsAttempted = sum((part) => part.connectionsAttempted);
    this.connectionsOpened = sum((part) => part.connectionsOpened);
    this.messagesSent = sum((part) => part.messagesSent);
    this.bytesSent = sum((part) => part.bytesSent);
    this.open = sum((part) => part.open);
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    for (const [counts, pick] of [
      [this.refusedByStatus, (part: AttackReport<object>) => part.refusedByStatus],
      [this.closedByEngine, (part: AttackReport<object>) => part.closedByEngine],
      [this.connectErrors, (part: AttackReport<object>) => part.connectErrors],
    ] as const) {
      counts.clear();
      for (const part of parts) for (const [key, n] of Object.entries(pick(part))) counts.set(key, (counts.get(key) ?? 0) + n);
    }
  }

  /** Milliseconds since {@link begin}. */
  get elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** The counters as a report, with the attack's own figures. */
  report<Extra extends object>(attack: AttackName, extra: Extra): AttackReport<Extra> {
    return {
      attack,
      elapsedMs: Math.round(this.elapsedMs),
      connectionsAttempted: this.connectionsAttempted,
      connectionsOpened: this.connectionsOpened,
      open: this.open,
      peakOpen: this.peakOpen,
      refusedByStatus: Object.fromEntries(this.refusedByStatus),
      closedByEngine: Object.fromEntries(this.closedByEngine),
      connectErrors: Object.fromEntries(this.connectErrors),
      messagesSent: this.messagesSent,
      bytesSent: this.bytesSent,
      extra,
    };
  }
}

/** The errno name of a socket error (`ECONNRESET`), or its message cut short. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.message.slice(0, 40) : 'error';
}
