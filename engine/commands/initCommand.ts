import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { STARTER_BOT, STARTER_CONFIG, STARTER_PACKAGE, STARTER_TSCONFIG } from './starter/starterFiles.js';

/** Usage of `callwire init`. */
export const INIT_USAGE = `  callwire init [DIR] [--force]
      Writes a starter project into DIR (default: the current folder): callwire.config.ts with one
      agent, hello.mine, its bot in bots/hello.ts, a tsconfig.json, and a package.json if there is
      none. Existing files are kept unless --force.`;

/** `callwire init [DIR] [--force]`; resolves to the exit code. */
export async function runInitCommand(argv: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { force: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) {
    process.stderr.write(`callwire: init takes at most one folder\n\n${INIT_USAGE}\n`);
    return 2;
  }
  const dir = positionals[0] ?? process.cwd();
  const files: [string, string][] = [
    ['callwire.config.ts', STARTER_CONFIG],
    [join('bots', 'hello.ts'), STARTER_BOT],
    ['tsconfig.json', STARTER_TSCONFIG],
  ];
  // A package.json that exists is the user's: never touched, even with --force.
  if (!existsSync(join(dir, 'package.json'))) files.push(['package.json', STARTER_PACKAGE]);
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (existsSync(path) && values.force !== true) {
      write(`kept     ${name} (exists; --force replaces it)\n`);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    write(`wrote    ${name}\n`);
  }
  const here = relative(process.cwd(), dir);
  write(
    [
      '',
      'Next:',
      ...(here === '' ? [] : [`  cd ${here}`]),
      ...(existsSync(join(dir, 'node_modules', 'callwire')) ? [] : ['  npm install callwire']),
      '  npx callwire serve                       # runs hello.mine on http://127.0.0.1:8080',
      '  npx callwire call hello.mine --wav in.wav --out bot.wav   # in another terminal',
      '',
    ].join('\n'),
  );
  return 0;
}
