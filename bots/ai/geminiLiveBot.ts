import type { BotLogic } from '../api.js';
import { GEMINI_DEFAULT_MODEL, geminiLiveAdapter } from './geminiLive.js';
import { speechAgentBot } from './speechAgentBot.js';

/**
 * The shipped `gemini-live` agent: Google's Gemini Live API on the call (`GEMINI_API_KEY`,
 * `GEMINI_BASE_URL`). It runs at 24 kHz, Gemini's output rate, so the model's voice is never
 * resampled twice; the caller's audio goes to Gemini at 16 kHz.
 */
export const geminiLiveBot: BotLogic = speechAgentBot({
  name: 'gemini-live',
  defaultModel: GEMINI_DEFAULT_MODEL,
  adapter: () => geminiLiveAdapter(),
  sampleRate: 24_000,
});
