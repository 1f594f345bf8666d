import { availableParallelism } from 'node:os';

/** How many engine processes `serve` runs, and why, for the start-up log. */
export interface WorkerCount {
  readonly workers: number;
  readonly why: string;
}

/** What the worker count depends on in the configuration. */
export interface WorkerCountConfig {
  readonly telnyx: { readonly apiKey?: string | undefined; readonly publicKey?: string | undefined };
  readonly redis?: { readonly url: string } | undefined;
}

/**
 * The worker count from `--workers` (or `CALLWIRE_WORKERS`), else one per available core. Telnyx
 * Call Control and webhooks keep state in the process that received them (answered legs, dial-out
 * parameters, bots' early work, webhook ids seen), which a stream or webhook landing on another
 * worker would not find unless it is shared in Redis: with Telnyx settings and no Redis the default
 * is one process, and more are refused. Returns an error message for a bad or refused value.
 */
export function resolveWorkerCount(requested: string | undefined, config: WorkerCountConfig, cores: number = availableParallelism()): WorkerCount | string {
  const callControl = config.telnyx.apiKey !== undefined || config.telnyx.publicKey !== undefined;
  const sharedInRedis = config.redis !== undefined;
  if (requested === undefined || requested.trim() === '') {
    if (callControl && !sharedInRedis) return { workers: 1, why: 'Telnyx Call Control or webhooks are configured without Redis: their state lives in one process' };
    return { workers: cores, why: callControl ? 'one worker per available core; Telnyx call state shared in Redis' : 'one worker per available core' };
  }
  const workers = Number(requested);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) return `--workers must be a whole number from 1 to 1024, got "${requested}"`;
  if (workers > 1 && callControl && !sharedInRedis) {
    return `--workers ${workers} cannot run with Telnyx Call Control or webhooks (telnyx.apiKey or telnyx.publicKey is set) unless their state is shared in Redis: a webhook or stream that lands on another worker would not find its call. Set redis.url (or CALLWIRE_REDIS_URL), or run --workers 1`;
  }
  return { workers, why: workers === 1 ? 'one process, as asked' : 'as asked' };
}
