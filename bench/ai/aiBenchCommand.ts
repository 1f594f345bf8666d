import { parseArgs } from 'node:util';
import { positiveOption } from '../support/figures.js';
import { aiBenchMarkdown, runAiBench } from './aiBench.js';

/** `callwire bench --ai`; returns the exit code. */
export async function runAiBenchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ai: { type: 'boolean' },
      provider: { type: 'string' },
      calls: { type: 'string' },
      turns: { type: 'string' },
      'hear-ms': { type: 'string' },
      'cpu-seconds': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  let options;
  try {
    const provider = values.provider ?? 'openai';
    if (provider !== 'openai' && provider !== 'gemini') throw new RangeError(`--provider must be openai or gemini, got "${provider}"`);
    options = {
      provider: provider as 'openai' | 'gemini',
      calls: Math.round(positiveOption(values.calls, 20, 'calls')),
      turns: Math.round(positiveOption(values.turns, 5, 'turns')),
      hearMs: positiveOption(values['hear-ms'], 600, 'hear-ms'),
      cpuSeconds: positiveOption(values['cpu-seconds'], 20, 'cpu-seconds'),
    };
  } catch (error) {
    process.stderr.write(`callwire: ${(error as Error).message}\n`);
    return 2;
  }
  const report = await runAiBench({ ...options, progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : aiBenchMarkdown(report));
  return 0;
}
