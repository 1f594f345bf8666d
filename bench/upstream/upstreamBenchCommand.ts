import { parseArgs } from 'node:util';
import { positiveOption } from '../support/figures.js';
import { runUpstreamBench, upstreamBenchMarkdown } from './upstreamBench.js';

/** `callwire bench --upstream`; returns the exit code. */
export async function runUpstreamBenchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: 'boolean' },
      protocol: { type: 'string' },
      calls: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'cpu-seconds': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  let options;
  try {
    const protocol = values.protocol ?? 'telnyx';
    if (protocol !== 'telnyx' && protocol !== 'twilio') throw new RangeError(`--protocol must be telnyx or twilio, got "${protocol}"`);
    options = {
      protocol: protocol as 'telnyx' | 'twilio',
      calls: Math.round(positiveOption(values.calls, 20, 'calls')),
      latencySeconds: positiveOption(values['latency-seconds'], 10, 'latency-seconds'),
      cpuSeconds: positiveOption(values['cpu-seconds'], 20, 'cpu-seconds'),
    };
  } catch (error) {
    process.stderr.write(`callwire: ${(error as Error).message}\n`);
    return 2;
  }
  const report = await runUpstreamBench({ ...options, progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : upstreamBenchMarkdown(report));
  return 0;
}
