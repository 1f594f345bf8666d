import { parseArgs } from 'node:util';
import type { NodeEntry } from '../redis/directoryEntries.js';
import { ago, listFromRedis, REDIS_READ_OPTIONS, STANDARD_OUTPUT, type CommandOutput } from './redisCommandOptions.js';
import { formatTable } from './table.js';

/** Usage of `callwire nodes`. */
export const NODES_USAGE = `  callwire nodes list [--redis URL] [--config FILE] [--json]
      Lists the engines sharing a Redis (redis.url): node, worker, address, live calls, event-loop
      delay (p99), whether draining, and when last seen. An engine that stops heartbeating leaves
      the list within redis.ttlMs. Redis comes from --redis, else the configuration.`;

/** `callwire nodes list`. */
export async function runNodesCommand(argv: string[], output: CommandOutput = STANDARD_OUTPUT): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: REDIS_READ_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || positionals[0] !== 'list') {
    output.warn(`callwire: expected "nodes list"\n\n${NODES_USAGE}\n`);
    return 2;
  }
  const listed = await listFromRedis(values, 'nodes', async () => ({
    pattern: (await import('../redis/redisKeys.js')).NODE_KEYS,
    schema: (await import('../redis/directoryEntries.js')).nodeEntrySchema,
  }), output);
  if (typeof listed === 'number') return listed;
  const nodes = listed.sort(byNodeAndWorker);
  if (values.json === true) {
    output.write(`${JSON.stringify(nodes, null, 2)}\n`);
    return 0;
  }
  if (nodes.length === 0) {
    output.write('no engine is registered in this Redis (none runs with this redis.url, or none heartbeated within its TTL)\n');
    return 0;
  }
  const now = output.now();
  const rows = nodes.map((node) => [
    node.node,
    node.worker === null ? '-' : String(node.worker),
    node.address,
    String(node.calls),
    `${node.eventLoopDelayP99Ms} ms`,
    node.draining ? 'yes' : 'no',
    `${ago(node.lastSeen, now)} ago`,
  ]);
  output.write(formatTable(['node', 'worker', 'address', 'calls', 'loop p99', 'draining', 'last seen'], rows));
  return 0;
}

function byNodeAndWorker(a: NodeEntry, b: NodeEntry): number {
  return a.node.localeCompare(b.node) || (a.worker ?? 0) - (b.worker ?? 0);
}
