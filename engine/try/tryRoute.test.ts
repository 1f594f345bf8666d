import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectedFrame, mediaFrame, simulatedCall, startFrame } from '../../bench/telnyx/mediaFrames.js';
import { startTestEngine, testAgent } from '../../test/support/engine.js';
import { loadConfig } from '../config.js';
import { SHIPPED_BOTS } from '../shippedBots.js';
import { defineBot } from '../../bots/defineBot.js';

const engines: { close(): Promise<void> }[] = [];

async function engineWith(server: { tryPage?: boolean } = {}) {
  const engine = await startTestEngine([testAgent('secured', SHIPPED_BOTS.get('echo')!, { streamAuthToken: 'try-route-test-token-0123', media: { outboundEncoding: 'inbound' } })], { server });
  engines.push(engine);
  return { engine, base: `http://127.0.0.1:${engine.port}` };
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

describe('/try routes', () => {
  it('serve the page, its styles and its scripts on a loopback engine', async () => {
    const { base } = await engineWith();
    const page = await fetch(`${base}/try`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script type="module" src="/try/app/app.js">');
    expect((await fetch(`${base}/try/style.css`)).headers.get('content-type')).toContain('text/css');
    const script = await fetch(`${base}/try/app/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${base}/try/app/..%2Fengine.js`)).status).toBe(404);
    expect((await fetch(`${base}/try/app/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/try`, { method: 'POST' })).status).toBe(405);
  });

  it('list every agent with whether it needs a token and what it answers each page format with', async () => {
    const { base } = await engineWith();
    const { agents } = (await (await fetch(`${base}/try/agents`)).json()) as { agents: { serviceHost: string; needsToken: boolean; replies: Record<string, unknown> }[] };
    expect(agents.map((agent) => agent.serviceHost)).toEqual(expect.arrayContaining(['echo.default', 'menu.default', 'secured.test']));
    const agent = (serviceHost: string) => agents.find((entry) => entry.serviceHost === serviceHost);
    expect(agent('echo.default')).toMatchObject({ needsToken: false, replies: { PCMU: { encoding: 'PCMU', sampleRate: 8000 }, L16: { encoding: 'PCMU', sampleRate: 8000 } } });
    expect(agent('secured.test')).toMatchObject({ needsToken: true, replies: { PCMU: { encoding: 'PCMU', sampleRate: 8000 }, L16: { encoding: 'L16', sampleRate: 16000 } } });
    expect(JSON.stringify(agents)).not.toContain('try-route-test-token');
  });

  it('are not served when turned off', async () => {
    const { base } = await engineWith({ tryPage: false });
    for (const path of ['/try', '/try/agents', '/try/app/app.js']) expect((await fetch(`${base}${path}`)).status).toBe(404);
  });

  it('give a page call its engine-side figures, and nothing about calls the page did not make', async () => {
    const { engine, base } = await engineWith();
    const callControlId = `try-${'ab'.repeat(16)}`;
    const call = simulatedCall({ callControlId });
    const socket = new WebSocket(engine.url('echo.default'));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(connectedFrame());
    socket.send(startFrame(call));
    for (let chunk = 1; chunk <= 5; chunk++) socket.send(mediaFrame(call, chunk + 1, chunk, chunk * 160, new Uint8Array(160).fill(0xff)));
    let figures: { state: string; framesIn: number; jitter: { targetDelayMs: number } } | undefined;
    for (let attempt = 0; attempt < 200 && (figures === undefined || figures.framesIn < 5); attempt++) {
      const reply = await fetch(`${base}/try/calls/${callControlId}`);
      if (reply.status === 200) figures = (await reply.json()) as typeof figures;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(figures?.framesIn).toBe(5);
    expect(figures?.jitter).toEqual({ targetDelayMs: expect.any(Number), ticks: expect.any(Number), concealedFrames: expect.any(Number), late: 0, lost: expect.any(Number), underruns: expect.any(Number) });
    expect((await fetch(`${base}/try/calls/${call.callControlId.replace('ab', 'cd')}`)).status).toBe(404);
    expect((await fetch(`${base}/try/calls/v3:phone-call`)).status).toBe(404);
    socket.close();
  });
});

/** A bot that talks as an AI agent's transcript would: two turns, then the second cut short. */
const talker = defineBot({
  name: 'talker',
  create: ({ reportTurn }) => {
    reportTurn({ role: 'assistant', itemId: 'item-1', text: 'Hello, how can I help?', offsetMs: 100 });
    reportTurn({ role: 'user', itemId: 'item-2', text: 'What time is it?', offsetMs: 2000 });
    reportTurn({ role: 'assistant', itemId: 'item-3', text: 'It is half past nine in the morning', offsetMs: 3000 });
    reportTurn({ role: 'assistant', itemId: 'item-3', text: 'It is half past', offsetMs: 3000, interrupted: true });
    return {};
  },
});

describe('the softphone transcript', () => {
  it("shows an agent's turns in order, a cut turn replaced by what was heard", async () => {
    const engine = await startTestEngine([testAgent('talker', talker)], { server: { tryPage: true } });
    engines.push(engine);
    const callControlId = `try-${'cd'.repeat(16)}`;
    const call = simulatedCall({ callControlId });
    const socket = new WebSocket(engine.url('talker.test'));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(connectedFrame());
    socket.send(startFrame(call));
    type Figures = { transcript: { role: string; text: string; interrupted: boolean }[] };
    let figures: Figures | undefined;
    for (let attempt = 0; attempt < 500 && (figures?.transcript.length ?? 0) < 3; attempt++) {
      const reply = await fetch(`http://127.0.0.1:${engine.port}/try/calls/${callControlId}`);
      if (reply.status === 200) figures = (await reply.json()) as Figures;
      if ((figures?.transcript.length ?? 0) < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(figures?.transcript).toEqual([
      { role: 'assistant', text: 'Hello, how can I help?', offsetMs: 100, interrupted: false },
      { role: 'user', text: 'What time is it?', offsetMs: 2000, interrupted: false },
      { role: 'assistant', text: 'It is half past', offsetMs: 3000, interrupted: true },
    ]);
    socket.close();
  });
});

describe('try.enabled', () => {
  it('is read from the configuration file, and left undefined (loopback decides) when absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callwire-try-'));
    writeFileSync(join(dir, 'callwire.config.json'), JSON.stringify({ try: { enabled: true } }));
    expect((await loadConfig({ cwd: dir, env: {} })).tryPage).toBe(true);
    const empty = mkdtempSync(join(tmpdir(), 'callwire-try-'));
    expect((await loadConfig({ cwd: empty, env: {} })).tryPage).toBeUndefined();
    writeFileSync(join(empty, 'callwire.config.json'), JSON.stringify({ try: { enabled: 'yes' } }));
    await expect(loadConfig({ cwd: empty, env: {} })).rejects.toThrow(/try/);
  });
});
