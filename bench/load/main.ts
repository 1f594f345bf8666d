/** Runs `callwire bench` from source until the CLI wires it in: `npx tsx bench/load/main.ts [options]`. */
import { runBenchCommand } from './benchCommand.js';

process.exitCode = await runBenchCommand(process.argv.slice(2));
