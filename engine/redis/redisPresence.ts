import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { CallSession } from '../session/callSession.js';
import { CallDirectory, type NodePlace } from './callDirectory.js';
import { nodeEntrySchema, parseEntry, type NodeEntry } from './directoryEntries.js';
import { engineRedisClient } from './engineRedisClient.js';
import { nodeKey } from './redisKeys.js';
import { RedisOutage, type RedisOp } from './redisOutage.js';
import { HEARTBEATS_PER_TTL, type RedisSettings } from './redisSettings.js';
import { SharedCallLegs } from './sharedCallLegs.js';
import { SharedDialParameters } from './sharedDialParameters.js';
import { SharedWebhookClaims } from './sharedWebhookClaims.js';
import { WebhookForwarding, type ForwardedWebhookHandler } from './webhookForwarding.js';

/** What the node registry reads of the running engine at each heartbeat. */
export interface EngineView {
  /** Where the engine is reached: its `publicUrl`, else host name and port. */
  address(): string;
  /** Live calls. */
  calls(): number;
  /** True once the engine refuses new calls to shut down. */
  draining(): boolean;
}

/**
 * Writes the node's entry (KEYS[1] = ARGV[1] for ARGV[2] ms) and returns the one it replaced: a
 * replaced entry of another process, after this one's first heartbeat, is a clash of node ids.
 */
const NODE_BEAT_SCRIPT = "local previous = redis.call('get', KEYS[1]) redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return previous";

/** Longest the engine's close waits to take its entries out of Redis. */
const DEREGISTER_WAIT_MS = 2_000;

/**
 * This engine process in Redis: its node registry entry and its calls in the call directory,
 * heartbeated with a TTL so a node that dies vanishes on its own; also the dial-out parameters and
 * Call Control legs it shares and the webhooks it forwards and hears. Redis is never in a call's way:
 * when it is down, writes fail fast, are counted, and are logged once per outage; when it is back,
 * the node and its live calls are registered again at once.
 */
export class RedisPresence {
  readonly #redis: Redis;
  readonly #settings: RedisSettings;
  readonly #place: NodePlace;
  readonly #engine: EngineView;
  readonly #log: Logger;
  readonly #outage: RedisOutage;
  readonly #directory: CallDirectory;
  /** Dial-out parameters any node can read, for streams that land on another node than their dial. */
  readonly dialParameters: SharedDialParameters;
  /** The Call Control legs this process holds, so that any process their stream ends on hangs them up. */
  readonly legs: SharedCallLegs;
  /** Webhooks for calls of other processes, sent on to them. */
  readonly webhooks: WebhookForwarding;
  /** Webhook events taken by any process, so a redelivery that lands on another is applied once. */
  readonly webhookClaims: SharedWebhookClaims;
  #webhookHandler: ForwardedWebhookHandler | undefined;
  #recoveredHandler: (() => void) | undefined;
  /** The connection has been ready before: a later `ready` is a reconnection, to a Redis that may have restarted empty. */
  #wasReady = false;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** Tells this process's node entry from another's under the same node id. */
  readonly #instance = randomUUID();
  /** Heartbeats written: the first may replace the entry of a process that had this node id before and died. */
  #beatsWritten = 0;
  #closed = false;

  constructor(settings: RedisSettings, engine: EngineView, log: Logger, countError: (op: RedisOp) => void) {
    this.#settings = settings;
    this.#engine = engine;
    this.#log = log;
    this.#place = nodePlace(settings);
    this.#outage = new RedisOutage(log, countError);
    this.#redis = engineRedisClient(settings.url, `callwire:${this.#place.node}`.replace(/[^\w:.-]/g, '_'));
    this.#directory = new CallDirectory(this.#redis, this.#place, settings.ttlMs, this.#outage);
    this.dialParameters = new SharedDialParameters(this.#redis, this.#outage);
    this.legs = new SharedCallLegs(this.#redis, this.#place, this.#outage);
    this.webhookClaims = new SharedWebhookClaims(this.#redis, this.#place, this.#outage);
    this.webhooks = new WebhookForwarding(this.#redis, this.#place, this.#outage, (event, acceptedUntilMs) => this.#webhookHandler?.(event, acceptedUntilMs));
    this.#loopDelay.enable();
    // ioredis reports every failed (re)connection here; without a listener it would print them itself.
    this.#redis.on('error', (error: unknown) => this.#outage.failed('connection', error));
    this.#redis.on('ready', () => this.#onReady());
    this.#heartbeat = setInterval(() => this.#beat(), Math.max(100, Math.floor(settings.ttlMs / HEARTBEATS_PER_TTL)));
    this.#heartbeat.unref();
  }

  /** This process's node id and worker. */
  get place(): NodePlace {
    return this.#place;
  }

  /** A call's `start` was accepted: it goes into the call directory. */
  started(session: CallSession): void {
    if (!this.#closed) this.#directory.started(session);
  }

  /** A call ended: its directory entries are removed. */
  ended(session: CallSession): void {
    if (!this.#closed) this.#directory.ended(session);
  }

  /** Who handles the webhooks other processes forward here (the engine's Call Control, once built). */
  onForwardedWebhook(handler: ForwardedWebhookHandler): void {
    this.#webhookHandler = handler;
  }

  /** Who writes again, once Redis is back after an outage or a reconnection, what this process keeps there beside its calls (the legs it holds). */
  onRecovered(handler: () => void): void {
    this.#recoveredHandler = handler;
  }

  /** Heartbeats now rather than at the next tick: the engine started draining, and load balancers and operators should see it at once. */
  refresh(): void {
    if (!this.#closed) this.#beat();
  }

  /** Takes the node and its remaining calls out of Redis (bounded wait) and closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#loopDelay.disable();
    this.webhooks.close();
    if (this.#redis.status !== 'ready') {
      this.#redis.disconnect();
      return;
    }
    const batch = this.#redis.pipeline();
    batch.del(nodeKey(this.#place.node, this.#place.worker));
    this.#directory.removeAll(batch);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, DEREGISTER_WAIT_MS)));
    await Promise.race([batch.exec().then(() => undefined, (error: unknown) => this.#outage.failed('deregister', error)), timedOut]);
    clearTimeout(timer);
    this.#redis.disconnect();
  }

  #onReady(): void {
    if (this.#closed) return;
    const wasDown = this.#outage.recovered();
    const reconnected = this.#wasReady;
    this.#wasReady = true;
    this.#beat();
    // A Redis that restarted quickly may have closed the connection without an error: no outage, but empty all the same.
    if (wasDown || reconnected) this.#recoveredHandler?.();
    if (!wasDown) return;
    this.#log.info({ node: this.#place.node, worker: this.#place.worker, calls: this.#directory.size }, 'redis is back: node and live calls registered again');
  }

  /** Writes the node's entry and every live call's with a fresh TTL, in one round trip. */
  #beat(): void {
    const entry: NodeEntry = {
      node: this.#place.node,
      worker: this.#place.worker ?? null,
      pid: process.pid,
      address: this.#engine.address(),
      calls: this.#engine.calls(),
      eventLoopDelayP99Ms: Math.round(this.#loopDelay.percentile(99) / 1e4) / 100,
      draining: this.#engine.draining(),
      lastSeen: new Date().toISOString(),
      instance: this.#instance,
    };
    this.#loopDelay.reset();
    const batch = this.#redis.pipeline();
    batch.eval(NODE_BEAT_SCRIPT, 1, nodeKey(this.#place.node, this.#place.worker), JSON.stringify(entry), this.#settings.ttlMs);
    this.#directory.writeAll(batch);
    batch.exec().then(
      (results) => {
        const error = results?.find(([failure]) => failure !== null)?.[0];
        if (error !== undefined && error !== null) {
          this.#outage.failed('heartbeat', error);
          return;
        }
        this.#checkReplaced(results?.[0]?.[1]);
        // Redis answered on a connection that never dropped (it had hung, say): this heartbeat has
        // registered everything again, and the next failure is news worth a line.
        if (this.#outage.down && this.#outage.recovered()) {
          this.#recoveredHandler?.();
          this.#log.info({ node: this.#place.node, worker: this.#place.worker, calls: this.#directory.size }, 'redis answers again: node and live calls registered again');
        }
      },
      (error: unknown) => this.#outage.failed('heartbeat', error),
    );
  }

  /** Warns (once, counted) when the heartbeat replaced another live process's entry under this node id. */
  #checkReplaced(previous: unknown): void {
    const first = this.#beatsWritten === 0;
    this.#beatsWritten++;
    if (first || typeof previous !== 'string') return;
    const replaced = parseEntry(nodeEntrySchema, previous);
    // An entry from an engine that predates instance ids cannot be told apart: left alone.
    if (replaced?.instance === undefined || replaced.instance === this.#instance) return;
    this.#outage.failed('node_clash', new Error(`node ${this.#place.node} is also written by pid ${replaced.pid} at ${replaced.address}`));
  }
}

/** The configured node id, else host name and the pid of the process `callwire serve` started (the primary under `--workers`). */
function nodePlace(settings: RedisSettings): NodePlace {
  const worker = cluster.isWorker ? cluster.worker?.id : undefined;
  const pid = worker === undefined ? process.pid : process.ppid;
  return { node: settings.nodeId ?? `${hostname()}:${pid}`, worker };
}
