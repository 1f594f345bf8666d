/**
 * What shared call state in Redis costs a call: setup time of inbound Call Control calls on an
 * engine with Redis against one without, alternating in the same run, and the Redis commands each
 * call makes. Starts its own redis-server (Debian's package) on a free port.
 * Run: `npm run bench:redis -- --calls 200`.
 */
import { parseArgs } from 'node:util';
import { positiveOption } from '../support/figures.js';
import { measureCallSetup } from './callSetupRun.js';
import { startRedisServer } from './redisServer.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, warmup: { type: 'string' }, json: { type: 'boolean', default: false } } });
const calls = positiveOption(values.calls, 200, 'calls');
const warmup = positiveOption(values.warmup, 20, 'warmup');

const redis = await startRedisServer();
try {
  const result = await measureCallSetup(redis.url, calls, warmup);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const row = (label: string, figures: typeof result.withRedis): string => `${label.padEnd(16)} p50 ${figures.p50.toFixed(2).padStart(7)} ms   p95 ${figures.p95.toFixed(2).padStart(7)} ms   max ${figures.max.toFixed(2).padStart(7)} ms`;
    process.stdout.write(
      [
        `Call setup (call.initiated → call running), ${calls} inbound Call Control calls each, alternating:`,
        row('without Redis', result.withoutRedis),
        row('with Redis', result.withRedis),
        `with ÷ without (p50): ${result.setupRatio.toFixed(2)}×`,
        `Redis commands per call: ${result.totalCommandsPerCall} (${Object.entries(result.commandsPerCall).map(([command, count]) => `${command} ${count}`).join(', ')})`,
        '',
      ].join('\n'),
    );
  }
} finally {
  await redis.close();
}
