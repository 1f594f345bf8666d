export type {
  AudioFrame,
  AudioFrameKind,
  BotEvent,
  BotInput,
  BotLogic,
  BotOutput,
  BotRequest,
  CallInfo,
  ClearedAudio,
  EndReason,
} from './api.js';
export type { BotContext, BotDefinition, BotHandlers } from './defineBot.js';
export { defineBot } from './defineBot.js';
export { withSampleRate, botSampleRateOf, type BotSampleRate } from './botSampleRate.js';
export { echoBot, type EchoOptions } from './echo.js';
export { createMenuBot, menuBot, type MenuBotOptions } from './menu.js';
export { defineConfig } from '../engine/config.js';
export type { ConfigFile } from '../engine/configSchema.js';
export type { StreamStart, MediaFormat } from '../engine/telnyx/frames.js';
