export type {
  AudioFrame,
  AudioFrameKind,
  BotEvent,
  BotInput,
  BotLogic,
  BotOutput,
  BotRequest,
  CallControls,
  CallInfo,
  ClearedAudio,
  DtmfOptions,
  EndReason,
  RecordingOptions,
  RecordingSaved,
} from './api.js';
export type { BotContext, BotDefinition, BotHandlers, BotRecording, TransferOptions } from './defineBot.js';
export { CallControlError, CallControlErrorCode, isCallControlError } from '../engine/telnyx/callControlError.js';
export { defineBot } from './defineBot.js';
export { withSampleRate, botSampleRateOf, type BotSampleRate } from './botSampleRate.js';
export { echoBot, type EchoOptions } from './echo.js';
export { createMenuBot, menuBot, type MenuBotOptions } from './menu.js';
export { defineConfig } from '../engine/config.js';
export type { ConfigFile } from '../engine/configSchema.js';
export type { StreamStart, MediaFormat } from '../engine/telnyx/frames.js';
