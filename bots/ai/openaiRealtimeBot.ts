import type { BotLogic } from '../api.js';
import { OPENAI_DEFAULT_MODEL, openaiRealtimeAdapter } from './openaiRealtime.js';
import { speechAgentBot } from './speechAgentBot.js';

/** The shipped `openai-realtime` agent: OpenAI's Realtime API on the call (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). */
export const openaiRealtimeBot: BotLogic = speechAgentBot({
  name: 'openai-realtime',
  defaultModel: OPENAI_DEFAULT_MODEL,
  adapter: () => openaiRealtimeAdapter(),
  // G.711 calls reach OpenAI as the same G.711 bytes; anything wider goes as 24 kHz PCM.
  sampleRate: (call) => (call.encoding === 'PCMU' || call.encoding === 'PCMA' ? 8000 : 24_000),
});
