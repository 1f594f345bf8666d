import { availableParallelism } from 'node:os';

/** How many engine processes `serve` runs, and why, for the start-up log. */
export interface WorkerCount {
  readonly workers: number;
  readonly why: string;
}

/**
 * The worker count from `--workers` (or `CALLWIRE_WORKERS`), else one per available core. Telnyx
 * Call Control and webhooks keep state in the process that received them (answered legs, dial-out
 * parameters, bots' early work, webhook ids seen), which a stream or webhook landing on another
 * worker would not find: with Telnyx settings the default is one process, and more are refused.
 * Returns an error message for a bad or refused value.
 */
export function resolveWorkerCount(requested: string | undefined, config: { readonly telnyx: { readonly apiKey?: string | undefined; readonly publicKey?: string | undefined } }, cores: number = availableParallelism()): WorkerCount | string {
  const callControl = config.telnyx.apiKey !== undefined || config.telnyx.publicKey !== undefined;
  if (requested === undefined || requested.trim() === '') {
    if (callControl) return { workers: 1, why: 'Telnyx Call Control or webhooks are configured: their state lives in one process' };
    return { workers: cores, why: 'one worker per available core' };
  }
  const workers = Number(requested);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) return `--workers must be a whole number from 1 to 1024, got "${requested}"`;
  if (workers > 1 && callControl) {
    return `--workers ${workers} cannot run with Telnyx Call Control or webhooks (telnyx.apiKey or telnyx.publicKey is set): a webhook or stream that lands on another worker would not find its call. Run --workers 1, or one engine per machine`;
  }
  return { workers, why: workers === 1 ? 'one process, as asked' : 'as asked' };
}
