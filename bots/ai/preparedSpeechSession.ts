import type { PreparedCall } from '../callPreparation.js';
import type { AiAgentOptions } from './agentOptions.js';
import { toolSpecs } from './agentTools.js';
import type { SpeechAudioFormat, SpeechEvent, SpeechListener, SpeechSession, SpeechSessionConfig, SpeechToSpeechAdapter } from './speechToSpeech.js';

/** Events kept for a session no call has taken yet: a greeting of a minute and then some. */
const MAX_HELD_EVENTS = 2000;

/** The session configuration an AI agent opens with. */
export function sessionConfigFor(options: AiAgentOptions, defaultModel: string, format: SpeechAudioFormat, instructions: string): SpeechSessionConfig {
  return {
    model: options.model ?? defaultModel,
    instructions,
    voice: options.voice,
    temperature: options.temperature,
    turnDetection: options.turnDetection,
    interruptResponse: options.greeting === undefined || options.greeting.interruptible,
    tools: toolSpecs(options.tools, options.transferTargets, options.userTools),
    inputFormat: format,
    outputFormat: format,
  };
}

/** What the model is asked for to speak the greeting. */
export function greetingRequest(text: string): string {
  return `Greet the caller by saying exactly this, and nothing else: "${text}"`;
}

/**
 * A provider session opened before the call's stream started (with its greeting already asked
 * for). Until a conversation attaches, its events are held; attaching replays them in order, so the
 * greeting's audio is queued the moment the call starts.
 */
export class PreparedSpeechSession implements PreparedCall {
  readonly session: SpeechSession;
  private readonly held: SpeechEvent[] = [];
  private listener: SpeechListener | undefined;
  private disposed = false;

  constructor(
    /** The bot that prepared it (its configuration name), so another bot never takes it. */
    readonly botName: string,
    readonly format: SpeechAudioFormat,
    /** The instructions it was opened with; the call's own may differ once `start` tells from/to. */
    readonly instructions: string,
    adapter: SpeechToSpeechAdapter,
    config: SpeechSessionConfig,
    greeting: string | undefined,
  ) {
    this.session = adapter.open(config, (event) => {
      if (this.listener !== undefined) this.listener(event);
      else if (this.held.length < MAX_HELD_EVENTS) this.held.push(event);
    });
    if (greeting !== undefined) this.session.respond(greetingRequest(greeting));
  }

  /** Hands the session's events, those held first, to `listener` from now on. */
  attach(listener: SpeechListener): void {
    this.listener = listener;
    for (const event of this.held.splice(0)) listener(event);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.held.length = 0;
    this.session.close();
  }
}
