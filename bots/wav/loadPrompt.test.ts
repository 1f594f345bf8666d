import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PromptsMissingError, WavFormatError } from './errors.js';
import { loadPrompts } from './loadPrompt.js';
import { resolvePromptDir } from './promptDir.js';
import { writeWav } from './writeWav.js';

const PROMPT_DIR = new URL('../prompts/', import.meta.url);
const onDisk = readdirSync(PROMPT_DIR)
  .filter((f) => f.endsWith('.wav'))
  .map((f) => f.slice(0, -'.wav'.length))
  .sort();

const REQUIRED = [
  'greeting', 'echo-intro', 'time-intro', 'utc', 'goodbye', 'invalid',
  ...Array.from({ length: 20 }, (_, i) => `n${i}`), 'n20', 'n30', 'n40', 'n50', 'oh', 'hundred-hours',
];

const scratch = mkdtempSync(join(tmpdir(), 'callwire-wav-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('committed prompts', () => {
  it('include every prompt the menu bot reads', () => {
    expect(onDisk).toEqual(expect.arrayContaining(REQUIRED));
  });

  const prompts = loadPrompts(onDisk);

  it.each(onDisk)('%s.wav is 0.2-10 s of audible 8 kHz mono speech', (name) => {
    // loadPrompts has already checked 8000 Hz mono, or it would have thrown.
    const samples = prompts.get(name);
    expect(samples).toBeDefined();
    const seconds = samples!.length / 8000;
    expect(seconds).toBeGreaterThanOrEqual(0.2);
    expect(seconds).toBeLessThanOrEqual(10);
    let peak = 0;
    for (const s of samples!) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeGreaterThan(3000);
  });
});

describe('loadPrompts', () => {
  it('rejects a prompt that is not 8000 Hz', () => {
    writeFileSync(join(scratch, 'wideband.wav'), writeWav(new Int16Array(160), 16000));
    expect(() => loadPrompts(['wideband'], pathToFileURL(scratch + '/'))).toThrow(WavFormatError);
    expect(() => loadPrompts(['wideband'], pathToFileURL(scratch + '/'))).toThrow(/wideband\.wav: prompt is 16000 Hz with 1 channel\(s\); expected 8000 Hz mono/);
  });

  it('rejects a stereo prompt, finding the folder without a trailing slash', () => {
    writeFileSync(join(scratch, 'stereo.wav'), writeWav(new Int16Array(160), 8000, 2));
    expect(() => loadPrompts(['stereo'], pathToFileURL(scratch))).toThrow(/stereo\.wav: prompt is 8000 Hz with 2 channel/);
  });

  it('names the file when its bytes are not a WAV', () => {
    writeFileSync(join(scratch, 'text.wav'), 'not audio at all');
    expect(() => loadPrompts(['text'], pathToFileURL(scratch))).toThrow(/text\.wav: not a RIFF file/);
  });

  it('reads an 8 kHz mono prompt from a given folder', () => {
    writeFileSync(join(scratch, 'beep.wav'), writeWav(Int16Array.from([0, 1000, -1000]), 8000));
    expect(Array.from(loadPrompts(['beep'], pathToFileURL(scratch)).get('beep') ?? [])).toEqual([0, 1000, -1000]);
  });

  it.each(['../greeting', 'Greeting', 'greeting.wav', ''])('refuses the name %j', (name) => {
    expect(() => loadPrompts([name])).toThrow(RangeError);
  });
});

describe('resolvePromptDir', () => {
  const root = new URL('../../', import.meta.url);

  it('uses ../prompts/ beside the source module', () => {
    expect(resolvePromptDir(import.meta.url).href).toBe(PROMPT_DIR.href);
  });

  it('falls back to the package root from the compiled dist/bots/wav/ module', () => {
    const compiled = new URL('dist/bots/wav/loadPrompt.js', root);
    expect(resolvePromptDir(compiled).href).toBe(PROMPT_DIR.href);
  });

  it('throws PromptsMissingError when the package root has no bots/prompts/', () => {
    const pkg = join(scratch, 'pkg');
    mkdirSync(join(pkg, 'dist', 'bots', 'wav'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{}');
    expect(() => resolvePromptDir(pathToFileURL(join(pkg, 'dist', 'bots', 'wav', 'loadPrompt.js')))).toThrow(PromptsMissingError);
  });
});
