#!/usr/bin/env node
import { COMMANDS, usage } from './commands/index.js';
import { describeFatalError, wantsStackTraces } from './fatalError.js';

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS.get(name);
  if (command === undefined) {
    process.stderr.write(`callwire: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`callwire: ${describeFatalError(error, wantsStackTraces(process.argv.slice(2), process.env))}\n`);
    process.exitCode = 1;
  },
);
