import { ABUSE_USAGE } from '../../bench/abuse/usage.js';
import { AI_BENCH_USAGE } from '../../bench/ai/aiBenchUsage.js';
import { JITTER_BENCH_USAGE } from '../../bench/jitter-quality/usage.js';
import { LOAD_BENCH_USAGE } from '../../bench/load/usage.js';
import { REPLAY_USAGE } from '../../bench/replay/usage.js';
import { SOAK_USAGE } from '../../bench/soak/usage.js';
import { UPSTREAM_BENCH_USAGE } from '../../bench/upstream/upstreamBenchUsage.js';
import { CALL_USAGE } from '../../bench/call/usage.js';
import { SERVE_USAGE, runServeCommand } from './serveCommand.js';
import { AGENTS_USAGE, runAgentsCommand } from './agentsCommand.js';
import { ORGS_USAGE, runOrgsCommand } from './orgsCommand.js';
import { TEXML_USAGE, runTexmlCommand } from './texmlCommand.js';
import { INIT_USAGE, runInitCommand } from './initCommand.js';
import { EVENTS_USAGE, runEventsCommand } from './eventsCommand.js';
import { NODES_USAGE, runNodesCommand } from './nodesCommand.js';
import { CALLS_USAGE, runCallsCommand } from './callsCommand.js';

/** One `callwire` subcommand. */
export interface Command {
  /** Usage lines, indented by two spaces. */
  readonly usage: string;
  /** Runs the command; resolves to the exit code, or -1 to keep the process running. */
  run(argv: string[]): Promise<number>;
}

/**
 * Every subcommand, by name. Commands whose code lives outside `engine/` (bench, replay) are loaded
 * only when run, so `serve` never pulls in the bench harness.
 */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['serve', { usage: SERVE_USAGE, run: runServeCommand }],
  ['init', { usage: INIT_USAGE, run: (argv) => runInitCommand(argv) }],
  ['events', { usage: EVENTS_USAGE, run: (argv) => runEventsCommand(argv) }],
  ['orgs', { usage: ORGS_USAGE, run: (argv) => runOrgsCommand(argv) }],
  ['agents', { usage: AGENTS_USAGE, run: (argv) => runAgentsCommand(argv) }],
  ['texml', { usage: TEXML_USAGE, run: (argv) => runTexmlCommand(argv) }],
  ['nodes', { usage: NODES_USAGE, run: (argv) => runNodesCommand(argv) }],
  ['calls', { usage: CALLS_USAGE, run: (argv) => runCallsCommand(argv) }],
  ['call', { usage: CALL_USAGE, run: async (argv) => (await import('../../bench/call/callCommand.js')).runCallCommand(argv) }],
  ['replay', { usage: REPLAY_USAGE, run: async (argv) => (await import('../../bench/replay/replayCommand.js')).runReplayCommand(argv) }],
  [
    'bench',
    {
      usage: `${LOAD_BENCH_USAGE}\n${JITTER_BENCH_USAGE}\n${SOAK_USAGE}\n${ABUSE_USAGE}\n${AI_BENCH_USAGE}\n${UPSTREAM_BENCH_USAGE}`,
      run: async (argv) => {
        if (argv.includes('--jitter')) return (await import('../../bench/jitter-quality/jitterBenchCommand.js')).runJitterBench(argv);
        if (argv.includes('--soak')) return (await import('../../bench/soak/soakCommand.js')).runSoakCommand(argv);
        if (argv.includes('--ai')) return (await import('../../bench/ai/aiBenchCommand.js')).runAiBenchCommand(argv);
        if (argv.includes('--upstream')) return (await import('../../bench/upstream/upstreamBenchCommand.js')).runUpstreamBenchCommand(argv);
        if (argv.includes('--abuse')) return (await import('../../bench/abuse/abuseCommand.js')).runAbuseCommand(argv);
        return (await import('../../bench/load/benchCommand.js')).runBenchCommand(argv);
      },
    },
  ],
]);

/** The whole help text. */
export function usage(): string {
  const lines = ['callwire: Telnyx media streams in, voice bots out.', '', 'Usage:'];
  for (const command of COMMANDS.values()) lines.push(command.usage);
  lines.push('  callwire help', '');
  return `${lines.join('\n')}\n`;
}
