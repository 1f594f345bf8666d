import { parseArgs } from 'node:util';
import { AgentCatalog } from '../agentCatalog.js';
import { describeOutbound } from '../telnyx/streamFormat.js';
import { CONFIG_OPTION, loadCommandConfig } from './configOptions.js';
import { formatTable } from './table.js';

/** Usage of `callwire agents`. */
export const AGENTS_USAGE = `  callwire agents list [--org ORG] [--config FILE]
      Lists the agents the server would serve: organization, agent, bot, outbound codec/rate,
      phone numbers (Call Control dial-in) and whether streams need an auth token.`;

/** `callwire agents list [--org ORG]`. */
export async function runAgentsCommand(argv: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { ...CONFIG_OPTION, org: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || positionals[0] !== 'list') {
    process.stderr.write(`callwire: expected "agents list"\n\n${AGENTS_USAGE}\n`);
    return 2;
  }
  const catalog = new AgentCatalog((await loadCommandConfig(values.config)).agents);
  if (values.org !== undefined && !catalog.hasOrg(values.org)) {
    process.stderr.write(`callwire: unknown organization "${values.org}" (known: ${catalog.orgs().join(', ')})\n`);
    return 1;
  }
  const rows = catalog
    .agents(values.org)
    .map((agent) => [
      agent.org,
      agent.name,
      agent.botName,
      describeOutbound(agent.media),
      agent.phoneNumbers.length === 0 ? '-' : agent.phoneNumbers.join(','),
      agent.streamAuthToken === undefined ? 'no' : 'yes',
    ]);
  write(formatTable(['org', 'agent', 'bot', 'outbound', 'phone numbers', 'auth'], rows));
  return 0;
}
