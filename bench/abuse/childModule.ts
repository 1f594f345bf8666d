/**
 * How the abuse bench starts its own Node child processes (the attacker, the silent-socket
 * workers): the same way this code runs, TypeScript through tsx from source or plain JavaScript
 * from the build, with the repository as working directory so `--import tsx` resolves.
 */
import { fileURLToPath } from 'node:url';

/** True when this code runs from TypeScript source (through tsx or vitest). */
const fromSource = import.meta.url.endsWith('.ts');

/** The checkout this code belongs to (two levels up from bench/abuse, three from dist/bench/abuse). */
export const OWN_ROOT = fileURLToPath(new URL(fromSource ? '../../' : '../../../', import.meta.url));

/** Node arguments that run the sibling module `name` (written without extension) of bench/abuse. */
export function nodeArgsForSibling(name: string): string[] {
  const path = fileURLToPath(new URL(`./${name}${fromSource ? '.ts' : '.js'}`, import.meta.url));
  return fromSource ? ['--import', 'tsx', path] : [path];
}
