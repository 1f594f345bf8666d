import { parseArgs } from 'node:util';
import { AgentCatalog } from '../agentCatalog.js';
import { CONFIG_OPTION, loadCommandConfig } from './configOptions.js';
import { formatTable } from './table.js';

/** Usage of `callwire orgs`. */
export const ORGS_USAGE = `  callwire orgs list [--config FILE]
      Lists the organizations the server would serve, with their agent counts.`;

/** `callwire orgs list`. */
export async function runOrgsCommand(argv: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: CONFIG_OPTION, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || positionals[0] !== 'list') {
    process.stderr.write(`callwire: expected "orgs list"\n\n${ORGS_USAGE}\n`);
    return 2;
  }
  const catalog = new AgentCatalog((await loadCommandConfig(values.config)).agents);
  const rows = catalog.orgs().map((org) => {
    const agents = catalog.agents(org);
    return [org, String(agents.length), String(agents.reduce((count, agent) => count + agent.phoneNumbers.length, 0))];
  });
  write(formatTable(['org', 'agents', 'phone numbers'], rows));
  return 0;
}
