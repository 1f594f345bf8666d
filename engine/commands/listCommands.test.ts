import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgentsCommand } from './agentsCommand.js';
import { runOrgsCommand } from './orgsCommand.js';
import { runTexmlCommand } from './texmlCommand.js';

const configPath = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-cli-'));
  const path = join(dir, 'callwire.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      publicUrl: 'https://cw.example.com',
      includeDefaultOrg: true,
      organizations: {
        acme: {
          agents: {
            support: { bot: 'echo', phoneNumbers: ['+13125550100', '+13125550101'], streamAuthToken: 'support-secret-0123', media: { outboundEncoding: 'L16' } },
            sales: { bot: 'menu', media: { outboundEncoding: 'PCMA' }, customParameters: { team: 'east' } },
          },
        },
      },
    }),
  );
  return path;
})();

async function run(command: (argv: string[], write: (text: string) => void) => Promise<number>, argv: string[]) {
  let output = '';
  const code = await command([...argv, '--config', configPath], (text) => void (output += text));
  return { code, output };
}

describe('callwire orgs list / agents list', () => {
  it('lists organizations with their agent and number counts', async () => {
    const { code, output } = await run(runOrgsCommand, ['list']);
    expect(code).toBe(0);
    expect(output).toBe(['ORG      AGENTS  PHONE NUMBERS', 'acme     2       2', 'default  2       0', ''].join('\n'));
  });

  it('lists agents in an aligned table: bot, outbound codec/rate, numbers and auth', async () => {
    const { code, output } = await run(runAgentsCommand, ['list']);
    expect(code).toBe(0);
    expect(output.split('\n')).toEqual([
      'ORG      AGENT    BOT   OUTBOUND   PHONE NUMBERS              AUTH',
      'acme     sales    menu  PCMA/8000  -                          no',
      'acme     support  echo  L16/16000  +13125550100,+13125550101  yes',
      'default  echo     echo  PCMU/8000  -                          no',
      'default  menu     menu  PCMU/8000  -                          no',
      '',
    ]);
  });

  it('filters by --org and refuses an unknown one', async () => {
    const { output } = await run(runAgentsCommand, ['list', '--org', 'default']);
    expect(output.split('\n').filter((line) => line !== '')).toHaveLength(3);
    expect((await run(runAgentsCommand, ['list', '--org', 'nowhere'])).code).toBe(1);
    expect((await run(runAgentsCommand, ['show'])).code).toBe(2);
  });
});

describe('callwire texml', () => {
  it('prints the document for --host, with the token and parameters', async () => {
    const { code, output } = await run(runTexmlCommand, ['support.acme', '--host', 'voice.example.org']);
    expect(code).toBe(0);
    expect(output).toContain('<Stream url="wss://voice.example.org/ws/telnyx?serviceHost=support.acme&amp;token=support-secret-0123" bidirectionalMode="rtp" bidirectionalCodec="L16" bidirectionalSamplingRate="16000"/>');
    const sales = await run(runTexmlCommand, ['sales.acme']);
    expect(sales.output).toContain('url="wss://cw.example.com/ws/telnyx?serviceHost=sales.acme"');
    expect(sales.output).toContain('<Parameter name="team" value="east"/>');
  });

  it('refuses an unknown agent or a malformed name', async () => {
    expect((await run(runTexmlCommand, ['nobody.acme', '--host', 'h'])).code).toBe(1);
    expect((await run(runTexmlCommand, ['support', '--host', 'h'])).code).toBe(2);
  });
});
