import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBot } from '../../bots/defineBot.js';
import { writeWav } from '../../bots/wav/writeWav.js';
import { SHIPPED_BOTS } from '../../engine/shippedBots.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { ensureFreshBuild } from '../support/freshBuild.js';

/** The Chromium the test drives: Debian's package (`.ci/run` installs it), or CHROMIUM_PATH. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const STREAM_TOKEN = 'softphone-test-token-0123456789';
/** Bound on each awaited page state; a healthy run reaches each within a second or two. */
const STATE_TIMEOUT_MS = 20_000;

/** A 440 Hz tone at half of full scale, which Chromium loops as the microphone. */
function toneWav(): Buffer {
  const sampleRate = 48_000;
  const samples = new Int16Array(sampleRate * 2);
  for (let index = 0; index < samples.length; index++) samples[index] = Math.round(16_384 * Math.sin((2 * Math.PI * 440 * index) / sampleRate));
  return writeWav(samples, sampleRate);
}

/** Says half a second of tone, then a mark; hangs up when the mark comes back, that is once the page has played the tone. */
const markingBot = defineBot({
  name: 'marking',
  create: ({ output, hangup }) => {
    const tone = new Int16Array(output.sampleRate / 2);
    for (let index = 0; index < tone.length; index++) tone[index] = Math.round(8000 * Math.sin((2 * Math.PI * 600 * index) / output.sampleRate));
    output.play(tone);
    output.mark('tone-played');
    return { mark: () => hangup() };
  },
});

/** A figure's raw value, as the page writes it in `data-value`. */
/** Talks as an AI agent's transcript would: a greeting, the caller's question, an answer cut short. */
const talkingBot = defineBot({
  name: 'talking',
  create: ({ reportTurn }) => {
    reportTurn({ role: 'assistant', itemId: 'item-1', text: 'Hello, how can I help?', offsetMs: 100 });
    reportTurn({ role: 'user', itemId: 'item-2', text: 'What time is it?', offsetMs: 2000 });
    reportTurn({ role: 'assistant', itemId: 'item-3', text: 'It is half past nine', offsetMs: 3000 });
    reportTurn({ role: 'assistant', itemId: 'item-3', text: 'It is half past', offsetMs: 3000, interrupted: true });
    return {};
  },
});

async function figure(page: Page, id: string): Promise<string> {
  return (await page.locator(`#${id}`).getAttribute('data-value')) ?? '';
}

async function numericFigure(page: Page, id: string): Promise<number> {
  return Number(await figure(page, id));
}

/** States the page ends a call in. */
const FINAL_STATES = ['ended', 'refused', 'failed'];

/** Waits for the status to reach `state`; a call that ended otherwise fails at once, with the page's words. */
async function waitForState(page: Page, state: string): Promise<void> {
  const awaited = FINAL_STATES.includes(state) ? FINAL_STATES : [state, ...FINAL_STATES];
  const selector = awaited.map((each) => `#status[data-state="${each}"]`).join(', ');
  try {
    await page.waitForSelector(selector, { timeout: STATE_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`the page did not reach "${state}"; its status says: ${await page.textContent('#status')}`, { cause: error });
  }
  expect(`${await page.getAttribute('#status', 'data-state')}: ${await page.textContent('#status')}`).toMatch(new RegExp(`^${state}:`));
}

// Each case waits for page states, each bounded by STATE_TIMEOUT_MS; the whole case by 60 s.
describe('the softphone page in Chromium', { timeout: 60_000 }, () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`);
    // The page's scripts are served from the build: today's page, built once even with other test files waiting on the build too.
    await ensureFreshBuild();
    folder = mkdtempSync(join(tmpdir(), 'callwire-softphone-'));
    const microphone = join(folder, 'tone.wav');
    writeFileSync(microphone, toneWav());
    const echo = SHIPPED_BOTS.get('echo')!;
    engine = await startTestEngine([
      testAgent('secured', echo, { streamAuthToken: STREAM_TOKEN }),
      testAgent('wideband', echo, { media: { outboundEncoding: 'inbound' } }),
      testAgent('marking', markingBot),
      testAgent('talking', talkingBot),
    ]);
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox; the page it opens is our own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${microphone}`, '--autoplay-policy=no-user-gesture-required', '--no-sandbox'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  async function openCall(serviceHost: string, token?: string, codec: 'PCMU' | 'L16' = 'PCMU'): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${engine.port}/try`);
    await page.waitForSelector(`#agent option[value="${serviceHost}"]`, { state: 'attached', timeout: STATE_TIMEOUT_MS });
    await page.selectOption('#agent', serviceHost);
    // The tone must reach the bot as it is: noise suppression would take a steady tone for noise.
    await page.uncheck('#voice-processing');
    await page.selectOption('#codec', codec);
    if (token !== undefined) await page.fill('#token', token);
    await page.click('#call');
    return page;
  }

  it('plays the echo agent\'s copy of the microphone, loud', async () => {
    const page = await openCall('echo.default');
    await waitForState(page, 'in-call');
    // The tone's RMS is 0.35 of full scale; the echo comes back through µ-law both ways.
    await expect.poll(() => numericFigure(page, 'fig-rms'), { timeout: STATE_TIMEOUT_MS }).toBeGreaterThan(0.2);
    expect(await numericFigure(page, 'fig-received')).toBeGreaterThan(0);
    expect(await numericFigure(page, 'fig-sent-frames')).toBeGreaterThan(0);
    await page.click('#hangup');
    await waitForState(page, 'ended');
    expect(await page.textContent('#status')).toContain('you hung up');
    await page.close();
  });

  it('talks L16 at 16 kHz both ways when chosen, to an agent that answers in the caller\'s codec', async () => {
    const page = await openCall('wideband.test', undefined, 'L16');
    await waitForState(page, 'in-call');
    await expect.poll(() => numericFigure(page, 'fig-rms'), { timeout: STATE_TIMEOUT_MS }).toBeGreaterThan(0.2);
    // 20 ms of 16-bit samples at 16 kHz is 640 bytes: whole messages are multiples of it.
    expect((await numericFigure(page, 'fig-received')) % 640).toBe(0);
    await page.click('#hangup');
    await waitForState(page, 'ended');
    await page.close();
  });

  it('echoes a mark once the audio before it has played, as Telnyx does', async () => {
    const page = await openCall('marking.test');
    await waitForState(page, 'ended');
    expect(await page.textContent('#status')).toContain('bot_hangup');
    expect(await figure(page, 'fig-marks')).toBe('1');
    await page.close();
  });

  it("shows an AI agent's transcript as it goes, a cut answer as the caller heard it", async () => {
    const page = await openCall('talking.test');
    await waitForState(page, 'in-call');
    await page.waitForSelector('#transcript li:nth-child(3)', { timeout: STATE_TIMEOUT_MS });
    expect(await page.isVisible('#transcript-section')).toBe(true);
    expect(await page.$$eval('#transcript li', (items) => items.map((item) => item.textContent))).toEqual(['Agent: Hello, how can I help?', 'You: What time is it?', 'Agent: It is half past']);
    expect(await page.getAttribute('#transcript li:last-child span:last-child', 'class')).toBe('cut');
    await page.click('#hangup');
    await waitForState(page, 'ended');
    await page.close();
  });

  it('sends keypad presses to the bot: # on the menu says goodbye and the agent hangs up', async () => {
    const page = await openCall('menu.default');
    await waitForState(page, 'in-call');
    // The greeting is playing: the menu is listening for keys.
    await expect.poll(() => numericFigure(page, 'fig-received'), { timeout: STATE_TIMEOUT_MS }).toBeGreaterThan(0);
    await page.click('#keypad button[data-key="#"]');
    await waitForState(page, 'ended');
    expect(await page.textContent('#status')).toContain('bot_hangup');
    expect(await figure(page, 'fig-keys')).toBe('#');
    await page.close();
  });

  it('is refused by an agent with a stream token unless the page sends that token', async () => {
    const wrong = await openCall('secured.test', 'not-the-token-of-this-agent');
    await waitForState(wrong, 'refused');
    expect(await wrong.textContent('#status')).toContain('wrong or missing stream token');
    await wrong.close();

    const right = await openCall('secured.test', STREAM_TOKEN);
    await waitForState(right, 'in-call');
    await expect.poll(() => numericFigure(right, 'fig-received'), { timeout: STATE_TIMEOUT_MS }).toBeGreaterThan(0);
    await right.click('#hangup');
    await waitForState(right, 'ended');
    await right.close();
  });
});
