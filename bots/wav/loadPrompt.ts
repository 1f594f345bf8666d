import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WavFormatError } from './errors.js';
import { resolvePromptDir } from './promptDir.js';
import { readWav, type WavAudio } from './readWav.js';

/** Sample rate every prompt must have: the narrowband rate of a PCMU/PCMA call, so no resampling. */
export const PROMPT_SAMPLE_RATE = 8000;

// Names become file names, so keep them to the kebab-case of bots/prompts/ and out of other folders.
const PROMPT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Reads prompts `<name>.wav` from `dir` as mono 8 kHz PCM16 samples, keyed by name.
 *
 * @remarks Reads synchronously: call it once at startup, not per call. Without `dir` it uses the
 * package's `bots/prompts/` (see {@link resolvePromptDir}, which also works from `dist/`).
 *
 * @example
 * ```ts
 * const prompts = loadPrompts(['greeting', 'goodbye']);
 * output.play(prompts.get('greeting')!);
 * ```
 *
 * @throws {@link WavFormatError} if a file is not a 16-bit PCM WAV at 8000 Hz mono.
 * @throws {@link PromptsMissingError} if `dir` is omitted and no prompt folder exists.
 * @throws RangeError if a name is not kebab-case; Node's `ENOENT` error if a file is missing.
 */
export function loadPrompts(names: readonly string[], dir?: URL): Map<string, Int16Array> {
  const base = dir === undefined ? resolvePromptDir(import.meta.url) : asDirectory(dir);
  const prompts = new Map<string, Int16Array>();
  for (const name of names) {
    if (!PROMPT_NAME.test(name)) throw new RangeError(`prompt name ${JSON.stringify(name)} is not kebab-case`);
    prompts.set(name, readPrompt(fileURLToPath(new URL(`${name}.wav`, base))));
  }
  return prompts;
}

function readPrompt(path: string): Int16Array {
  let wav: WavAudio;
  try {
    wav = readWav(readFileSync(path));
  } catch (error) {
    // readWav cannot know the file name; put it in front so the failing prompt is obvious.
    if (error instanceof WavFormatError) throw new WavFormatError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
  if (wav.sampleRate !== PROMPT_SAMPLE_RATE || wav.channels !== 1) {
    throw new WavFormatError(
      `${path}: prompt is ${wav.sampleRate} Hz with ${wav.channels} channel(s); expected ${PROMPT_SAMPLE_RATE} Hz mono`,
    );
  }
  return wav.samples;
}

// Without the trailing slash, `new URL('x.wav', dir)` would replace the folder's last segment.
function asDirectory(dir: URL): URL {
  return dir.pathname.endsWith('/') ? dir : new URL(`${dir.pathname}/`, dir);
}
