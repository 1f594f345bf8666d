/** Public surface of `bots/wav/`: PCM16 WAV reading and writing, and loading the committed prompts. */
export type { WavAudio } from './readWav.js';
export { readWav } from './readWav.js';
export { WAV_HEADER_BYTES, writeWav } from './writeWav.js';
export { PROMPT_SAMPLE_RATE, loadPrompts } from './loadPrompt.js';
export { resolvePromptDir } from './promptDir.js';
export { PromptsMissingError, WavErrorCode, WavFormatError, isWavFormatError } from './errors.js';
