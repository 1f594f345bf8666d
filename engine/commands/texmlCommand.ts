import { parseArgs } from 'node:util';
import { AgentCatalog } from '../agentCatalog.js';
import { agentTexml } from '../http/texmlRoute.js';
import { originFromUrl, type PublicOrigin } from '../publicUrl.js';
import { parseServiceHost } from '../routing.js';
import { CONFIG_OPTION, loadCommandConfig } from './configOptions.js';

/** Usage of `callwire texml`. */
export const TEXML_USAGE = `  callwire texml AGENT.ORG [--host HOST] [--config FILE]
      Prints the TeXML that connects a Telnyx number to the agent (bidirectional RTP, the agent's
      codec, rate and parameters; its stream auth token as the URL's token). HOST is how Telnyx
      reaches this engine (wss://HOST); without it, publicUrl from the configuration.`;

/** `callwire texml AGENT.ORG --host HOST`. */
export async function runTexmlCommand(argv: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { ...CONFIG_OPTION, host: { type: 'string' } }, allowPositionals: true, strict: true });
  const target = positionals.length === 1 ? parseServiceHost(positionals[0]!) : undefined;
  if (target === undefined) {
    process.stderr.write(`callwire: expected one AGENT.ORG\n\n${TEXML_USAGE}\n`);
    return 2;
  }
  const config = await loadCommandConfig(values.config);
  const agent = new AgentCatalog(config.agents).find(target.org, target.agent);
  if (agent === undefined) {
    process.stderr.write(`callwire: no agent ${positionals[0]} (see "callwire agents list")\n`);
    return 1;
  }
  const origin = originOf(values.host, config.publicUrl);
  if (origin === undefined) {
    process.stderr.write('callwire: give --host HOST (or set publicUrl in the configuration)\n');
    return 2;
  }
  write(agentTexml(agent, origin));
  return 0;
}

/** `--host` as a host name (wss://HOST) or a full URL, else the configured publicUrl. */
function originOf(host: string | undefined, publicUrl: string | undefined): PublicOrigin | undefined {
  if (host === undefined || host === '') return publicUrl === undefined ? undefined : originFromUrl(publicUrl);
  return originFromUrl(/^[a-z]+:\/\//i.test(host) ? host : `https://${host}`);
}
