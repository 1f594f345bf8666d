import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../engine/config.js';
import { ManualClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import type { CallInfo } from '../api.js';
import { decideToolCall, toolSpecs } from './agentTools.js';
import { defineTool } from './defineTool.js';
import { runUserTool } from './userToolRunner.js';

const orderStatus = defineTool({
  name: 'order_status',
  description: 'Where an order is.',
  parameters: z.object({ orderId: z.string().regex(/^\d+$/) }),
  handler: ({ orderId }) => ({ orderId, status: 'shipped' }),
});

const call = { callId: 'c1' } as unknown as CallInfo;

describe('user tools', () => {
  it('describe their arguments to the model as JSON Schema, after the built-in ones', () => {
    expect(toolSpecs(['end_call'], [], [orderStatus]).map((tool) => tool.name)).toEqual(['end_call', 'order_status']);
    expect(toolSpecs([], [], [orderStatus])[0]?.parameters).toMatchObject({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] });
  });

  it('check the arguments against the schema before the handler runs', () => {
    expect(decideToolCall('order_status', '{"orderId":"42"}', [], [], [orderStatus])).toMatchObject({ kind: 'user', args: { orderId: '42' } });
    const refused = decideToolCall('order_status', '{"orderId":"forty-two"}', [], [], [orderStatus]);
    expect(refused.kind).toBe('refuse');
    expect(refused.kind === 'refuse' && JSON.parse(refused.result)).toMatchObject({ error: 'the arguments do not match the tool', issues: [expect.stringContaining('orderId')] });
  });

  it('hand the result back as JSON, or an error result when the tool throws or takes too long', async () => {
    const clock = new ManualClock();
    const run = () => ({ call, log: silentLogger(), clock, abort: new AbortController() });
    expect(await runUserTool(orderStatus, { orderId: '42' }, run())).toBe('{"orderId":"42","status":"shipped"}');
    const broken = defineTool({ name: 'broken', description: 'Fails.', parameters: z.object({}), handler: () => { throw new Error('database down'); } });
    expect(JSON.parse(await runUserTool(broken, {}, run()))).toEqual({ error: 'the tool failed: database down' });
    let seenSignal: AbortSignal | undefined;
    const slow = defineTool({ name: 'slow', description: 'Hangs.', parameters: z.object({}), timeoutMs: 500, handler: (_args, context) => new Promise(() => void (seenSignal = context.signal)) });
    const pending = runUserTool(slow, {}, run());
    await Promise.resolve();
    clock.advance(500);
    expect(JSON.parse(await pending)).toEqual({ error: 'the tool slow did not answer within 500 ms' });
    expect(seenSignal?.aborted).toBe(true);
  });

  it('load from the module an agent names, relative to the configuration file', async () => {
    const root = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'callwire-tools-'));
    writeFileSync(
      join(dir, 'tools.ts'),
      `import { z } from '${join(root, 'node_modules/zod/index.js')}';\nimport { defineTool } from '${join(root, 'bots/ai/defineTool.ts')}';\nexport const lookup = defineTool({ name: 'lookup', description: 'Looks up.', parameters: z.object({ id: z.string() }), handler: ({ id }) => ({ id }) });\n`,
    );
    writeFileSync(join(dir, 'empty.ts'), 'export const nothing = 1;\n');
    const agentWith = (options: Record<string, unknown>) => JSON.stringify({ organizations: { acme: { agents: { desk: { bot: 'openai-realtime', options } } } } });
    writeFileSync(join(dir, 'callwire.config.json'), agentWith({ toolsModule: './tools.ts' }));
    const config = await loadConfig({ cwd: dir, env: {} });
    const desk = config.agents.find((agent) => agent.name === 'desk')!;
    expect((desk.options['tools'] as { name?: string }[]).map((tool) => (typeof tool === 'string' ? tool : tool.name))).toEqual(['end_call', 'lookup']);
    writeFileSync(join(dir, 'callwire.config.json'), agentWith({ toolsModule: './empty.ts' }));
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/exports no tools made with defineTool/);
  });
});
