import { parseArgs } from 'node:util';
import type { CallEntry } from '../redis/directoryEntries.js';
import { ago, listFromRedis, REDIS_READ_OPTIONS, STANDARD_OUTPUT, type CommandOutput } from './redisCommandOptions.js';
import { formatTable } from './table.js';

/** Usage of `callwire calls`. */
export const CALLS_USAGE = `  callwire calls list [--node NODE] [--redis URL] [--config FILE] [--json]
      Lists the live calls of every engine sharing a Redis (redis.url): call id, Telnyx
      call_control_id, node and worker, agent, state, and how long ago it started; --node keeps
      one node's. Redis comes from --redis, else the configuration.`;

/** `callwire calls list`. */
export async function runCallsCommand(argv: string[], output: CommandOutput = STANDARD_OUTPUT): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { ...REDIS_READ_OPTIONS, node: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || positionals[0] !== 'list') {
    output.warn(`callwire: expected "calls list"\n\n${CALLS_USAGE}\n`);
    return 2;
  }
  const listed = await listFromRedis(values, 'calls', async () => ({
    pattern: (await import('../redis/redisKeys.js')).CALL_KEYS,
    schema: (await import('../redis/directoryEntries.js')).callEntrySchema,
  }), output);
  if (typeof listed === 'number') return listed;
  const calls = listed.filter((call) => values.node === undefined || call.node === values.node).sort(byStart);
  if (values.json === true) {
    output.write(`${JSON.stringify(calls, null, 2)}\n`);
    return 0;
  }
  if (calls.length === 0) {
    output.write(values.node === undefined ? 'no live call is listed in this Redis\n' : `no live call is listed for node ${values.node}\n`);
    return 0;
  }
  const now = output.now();
  const rows = calls.map((call) => [
    call.callId,
    call.callControlId ?? '-',
    call.node,
    call.worker === null ? '-' : String(call.worker),
    call.agent,
    call.state,
    `${ago(call.startedAt, now)} ago`,
  ]);
  output.write(formatTable(['call', 'call control id', 'node', 'worker', 'agent', 'state', 'started'], rows));
  return 0;
}

function byStart(a: CallEntry, b: CallEntry): number {
  return a.startedAt.localeCompare(b.startedAt) || a.callId.localeCompare(b.callId);
}
