import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPrompts, PROMPT_SAMPLE_RATE } from '../wav/loadPrompt.js';
import { readWav } from '../wav/readWav.js';

/** What a caller hears when the agent's AI provider fails: a WAV, text to speak, or the shipped line. */
export type FallbackPromptSource = { readonly wav: string } | { readonly text: string } | { readonly shipped: true };

/** Rendered prompts by source, at 8 kHz: each is made once per process, at start-up when options are checked. */
const rendered = new Map<string, Int16Array>();

/** Why a fallback prompt could not be made; the message says how to fix it. */
export class FallbackPromptError extends Error {
  override readonly name = 'FallbackPromptError';
}

function renderText(text: string): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-prompt-'));
  try {
    const spoken = join(dir, 'spoken.wav');
    const prompt = join(dir, 'prompt.wav');
    // The same voice and processing as the shipped prompts (bots/prompts/generate.sh).
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', spoken, '--', text], { stdio: 'ignore' });
    execFileSync('sox', ['-D', spoken, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'wav', prompt, 'rate', '-v', '8000', 'norm', '-3', 'pad', '0.04', '0.04'], { stdio: 'ignore' });
    return readWav(readFileSync(prompt)).samples;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FallbackPromptError('fallback.text is spoken with espeak-ng and sox, which are not installed (Debian: apt-get install espeak-ng sox); or give fallback.prompt, a WAV file');
    }
    throw new FallbackPromptError(`fallback.text could not be rendered: ${(error as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readWavFile(path: string): Int16Array {
  let wav;
  try {
    wav = readWav(readFileSync(path));
  } catch (error) {
    throw new FallbackPromptError(`fallback.prompt ${path}: ${unreadableReason(error)}`);
  }
  if (wav.sampleRate !== PROMPT_SAMPLE_RATE || wav.channels !== 1) {
    throw new FallbackPromptError(`fallback.prompt ${path}: must be 8000 Hz mono 16-bit PCM, is ${wav.sampleRate} Hz with ${wav.channels} channels`);
  }
  return wav.samples;
}

/** Why the prompt file could not be used, in words that say what to check. */
function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist (a relative path starts from the configuration file\'s folder)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'EISDIR') return 'is a folder; give the WAV file';
  return (error as Error).message;
}

/** The prompt at 8 kHz, made on first use and kept. @throws FallbackPromptError */
export function fallbackPrompt(source: FallbackPromptSource): Int16Array {
  const key = 'wav' in source ? `wav:${source.wav}` : 'text' in source ? `text:${source.text}` : 'shipped';
  let samples = rendered.get(key);
  if (samples === undefined) {
    samples = 'wav' in source ? readWavFile(source.wav) : 'text' in source ? renderText(source.text) : loadPrompts(['ai-unavailable']).get('ai-unavailable')!;
    rendered.set(key, samples);
  }
  return samples;
}

/**
 * `samples` (8 kHz) at `sampleRate`, a whole multiple of 8 kHz (AI agents run at 8 or 24 kHz), by
 * linear interpolation. The prompt is narrowband speech, so its images above 4 kHz are faint; the
 * engine's speex resampler is not used here because its module loads with a top-level await, which
 * would stop configuration files that import callwire from loading as CommonJS.
 */
export function atRate(samples: Int16Array, sampleRate: number): Int16Array {
  if (sampleRate === PROMPT_SAMPLE_RATE) return samples;
  const factor = sampleRate / PROMPT_SAMPLE_RATE;
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`fallback prompts play at multiples of ${PROMPT_SAMPLE_RATE} Hz, not ${sampleRate}`);
  const out = new Int16Array(samples.length * factor);
  for (let i = 0; i < samples.length; i++) {
    const from = samples[i]!;
    const to = samples[i + 1] ?? from;
    for (let step = 0; step < factor; step++) out[i * factor + step] = Math.round(from + ((to - from) * step) / factor);
  }
  return out;
}
