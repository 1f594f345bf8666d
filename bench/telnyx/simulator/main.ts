/**
 * Runs the Telnyx simulator for manual testing:
 *   npx tsx bench/telnyx/simulator/main.ts --webhook-url http://127.0.0.1:8080/webhooks/telnyx [--port 4010] [--delay-ms 5]
 * Prints what to configure the engine with, then logs every command and webhook until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { TelnyxSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    'webhook-url': { type: 'string' },
    port: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '5' },
  },
});

const webhookUrl = values['webhook-url'];
const sim = await TelnyxSimulator.start(
  { ...(webhookUrl === undefined ? {} : { webhookUrl }), webhookDelayMs: Number(values['delay-ms']) },
  Number(values.port),
);

console.log(`Telnyx simulator listening on ${sim.baseUrl}
  TELNYX_BASE_URL=${sim.baseUrl}
  TELNYX_API_KEY=${sim.apiKey}
  TELNYX_PUBLIC_KEY=${sim.publicKeyBase64}${webhookUrl === undefined ? '' : `
  CALLWIRE_PUBLIC_URL=${new URL(webhookUrl).origin}   (the URL stream URLs are built from; without it, or allowedHosts, the engine answers no call)`}
  webhooks go to ${webhookUrl ?? '(nowhere: pass --webhook-url)'}

Place an inbound call:
  curl -X POST ${sim.baseUrl}/_sim/inbound -H 'content-type: application/json' -d '{"from":"+13125550100","to":"+13125550199"}'
Make its caller hang up:
  curl -X POST ${sim.baseUrl}/_sim/calls/CALL_CONTROL_ID/hangup
`);

let commandsShown = 0;
let webhooksShown = 0;
let problemsShown = 0;
const log = setInterval(() => {
  for (; commandsShown < sim.commands.length; commandsShown++) {
    const command = sim.commands[commandsShown]!;
    console.log(`command  ${command.action}${command.duplicate ? ' (duplicate command_id, ignored)' : ''}  ${command.callControlId ?? ''}`);
  }
  for (; webhooksShown < sim.webhooks.length; webhooksShown++) {
    const webhook = sim.webhooks[webhooksShown]!;
    console.log(`webhook  ${webhook.eventType} attempt ${webhook.attempt} -> ${webhook.status}  ${webhook.callControlId}`);
  }
  for (; problemsShown < sim.problems.length; problemsShown++) console.log(`problem  ${sim.problems[problemsShown]!}`);
}, 100);

process.once('SIGINT', () => {
  clearInterval(log);
  void sim.close().then(() => process.exit(0));
});
