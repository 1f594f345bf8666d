import type { BotLogic } from '../api.js';
import { OPENAI_DEFAULT_MODEL, openaiRealtimeAdapter } from './openaiRealtime.js';
import { speechAgentBot } from './speechAgentBot.js';

/** The shipped `openai-realtime` agent: OpenAI's Realtime API on the call (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). */
export const openaiRealtimeBot: BotLogic = speechAgentBot({
  name: 'openai-realtime',
  defaultModel: OPENAI_DEFAULT_MODEL,
  adapter: () => openaiRealtimeAdapter(),
});
