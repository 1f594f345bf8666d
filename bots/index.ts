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
  LiveTurn,
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
export { verifyEventSignature, EVENT_SIGNATURE_HEADER, type SignatureProblem } from '../engine/events/eventSignature.js';
export type { ConfigFile } from '../engine/configSchema.js';
export type { StreamStart, MediaFormat } from '../engine/telnyx/frames.js';
export { speechAgentBot, SpeechSessionError, type SpeechAgentDefinition } from './ai/speechAgentBot.js';
export { openaiRealtimeAdapter, type OpenAIRealtimeOptions } from './ai/openaiRealtime.js';
export { geminiLiveAdapter, type GeminiLiveOptions } from './ai/geminiLive.js';
export { defineTool, type AgentTool, type ToolCallContext } from './ai/defineTool.js';
export type { TranscriptTurn, ConversationSummary, TranscriptOptions } from './ai/callTranscript.js';
export type * from './ai/speechToSpeech.js';
export { withCallPreparation, type CallPreview, type PreparedCall, type PrepareCall } from './callPreparation.js';
