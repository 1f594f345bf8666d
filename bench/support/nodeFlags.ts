/** A node flag as the benches take it for the engine they start: `--name` or `--name=value`. */
const NODE_FLAG = /^--[a-z][a-z0-9-]*(=[\w.,:/-]+)?$/;

/**
 * The node flags in an `--engine-node-options` value (space-separated; none when undefined), or the
 * message to give when a word in it is not a flag such as `--max-semi-space-size=4`.
 */
export function parseNodeFlags(value: string | undefined): { readonly flags: string[] } | { readonly problem: string } {
  const flags = (value ?? '').split(' ').filter((word) => word !== '');
  if (flags.some((flag) => !NODE_FLAG.test(flag))) return { problem: `--engine-node-options takes node flags such as "--max-semi-space-size=4", got "${value}"` };
  return { flags };
}
