/** Runs `callwire bench --jitter` without the CLI: `node --import tsx bench/jitter-quality/main.ts [options]`. */
import { runJitterBench } from './jitterBenchCommand.js';

process.exitCode = await runJitterBench(process.argv.slice(2));
