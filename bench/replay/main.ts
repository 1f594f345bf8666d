/** Runs `callwire replay` without the CLI: `node --import tsx bench/replay/main.ts CAPTURE [options]`. */
import { runReplayCommand } from './replayCommand.js';

process.exitCode = await runReplayCommand(process.argv.slice(2));
