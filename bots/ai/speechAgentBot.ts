import { defineBot, type BotContext, type BotHandlers } from '../defineBot.js';
import type { BotLogic, EndReason } from '../api.js';
import type { BotSampleRate, BotSampleRateRule } from '../botSampleRate.js';
import { parseAiAgentOptions, renderInstructions, type AiAgentOptions } from './agentOptions.js';
import { loadAgentOptions } from './agentOptionsLoader.js';
import { withOptionsLoader } from '../botOptions.js';
import { decideToolCall } from './agentTools.js';
import type { AgentTool } from './defineTool.js';
import { runUserTool } from './userToolRunner.js';
import { greetingRequest, PreparedSpeechSession, sessionConfigFor } from './preparedSpeechSession.js';
import { countAiConversation, countAiFailure } from './aiTallies.js';
import { CallTranscript, type ConversationSummary, type TranscriptTurn } from './callTranscript.js';
import { atRate, fallbackPrompt } from '../fallback/fallbackPrompt.js';
import { PlaybackLedger } from './playbackLedger.js';
import { ProviderDecoder, ProviderEncoder } from './providerAudio.js';
import type { SpeechAudioFormat, SpeechErrorCode, SpeechEvent, SpeechSession, SpeechToSpeechAdapter, SpeechUsage } from './speechToSpeech.js';
import { CodedError } from '../../engine/errors/codedError.js';

/** A provider session that failed; the call's log line carries its code. */
export class SpeechSessionError extends CodedError<SpeechErrorCode> {
  override readonly name = 'SpeechSessionError';
  constructor(
    readonly provider: string,
    code: SpeechErrorCode,
    message: string,
  ) {
    super(code, `${provider} session failed (${code}): ${message}`);
  }
}

/** How an AI agent bot is built for one provider. */
export interface SpeechAgentDefinition {
  /** The bot's name in configuration, e.g. `openai-realtime`. */
  readonly name: string;
  /** Model used when the agent names none. */
  readonly defaultModel: string;
  /** The provider; created once per process, on the first call. */
  readonly adapter: () => SpeechToSpeechAdapter;
  /** Rate the bot hears and plays, or a rule per call (the call's own rate when absent). */
  readonly sampleRate?: BotSampleRate | BotSampleRateRule | undefined;
}

/** Longest an agent waits for its last words to be heard before hanging up or transferring anyway. */
const ACTION_GRACE_MS = 15_000;

/** How long before a provider's session limit the agent starts its goodbye (at most a tenth of the limit). */
const SESSION_LIMIT_LEAD_MS = 30_000;

/** Prefix of the marks the agent places after each chunk of assistant audio. */
const MARK_PREFIX = 'ai:';


/**
 * Runs one call's conversation with a provider session: caller audio in, assistant audio out through
 * the paced queue with a mark after each chunk, barge-in cut at what the caller heard, tools carried out.
 */
class SpeechConversation {
  private readonly ledger: PlaybackLedger;
  private readonly encoder: ProviderEncoder;
  private readonly decoder: ProviderDecoder;
  private readonly session: SpeechSession;
  /** Mark name → the queued position it follows. */
  private readonly markPositions = new Map<string, number>();
  /** Items the caller cut off: audio still arriving for them is dropped. */
  private readonly truncatedItems = new Set<string>();
  private markSequence = 0;
  private ready = false;
  private ended = false;
  /** The provider failed and the fallback is playing: provider events are ignored from now on. */
  private failed = false;
  /** While the greeting plays and may not be cut off, caller speech does not clear it. */
  private protectedUntilMark: string | undefined;
  private greetingPending: boolean;
  private greetingResponseId: string | undefined;
  /** An action the model asked for, carried out once this mark is echoed. */
  private pendingAction: { readonly run: () => void; mark: string | undefined; timer: unknown } | undefined;
  private preparedSession: PreparedSpeechSession | undefined;
  private limitTimer: unknown;
  /** Error codes already logged for this call. */
  private readonly loggedErrors = new Set<string>();
  /** User tools still running; aborted when the call ends. */
  private readonly toolAborts = new Set<AbortController>();
  private readonly transcript: CallTranscript;
  private readonly tally: ConversationSummary = { userTurns: 0, assistantTurns: 0, interruptions: 0, inputTokens: 0, outputTokens: 0 };

  constructor(
    private readonly context: BotContext<AiAgentOptions>,
    private readonly definition: SpeechAgentDefinition,
    adapter: SpeechToSpeechAdapter,
  ) {
    const { options, output, call } = context;
    const format = adapter.formatFor(output.sampleRate, call.mediaFormat.encoding);
    this.ledger = new PlaybackLedger(output.sampleRate);
    this.encoder = new ProviderEncoder(format);
    this.decoder = new ProviderDecoder(format);
    this.greetingPending = options.greeting !== undefined;
    const hooks = options.transcripts;
    // Every turn also goes to the engine, which shows it live on the browser softphone.
    const transcripts = {
      ...hooks,
      onTurn: (turn: TranscriptTurn, callId: string) => {
        context.reportTurn(turn);
        hooks?.onTurn?.(turn, callId);
      },
    };
    this.transcript = new CallTranscript(call.callId, context.clock.now(), () => context.clock.now(), transcripts, context.log);
    const instructions = renderInstructions(options.instructions, call);
    const prepared = context.prepared;
    if (prepared instanceof PreparedSpeechSession && prepared.botName === definition.name && sameFormat(prepared.format, format)) {
      // Opened before the stream started, greeting already under way: take it over.
      this.session = prepared.session;
      if (prepared.instructions !== instructions) this.session.updateInstructions(instructions);
      this.preparedSession = prepared;
    } else {
      prepared?.dispose();
      this.session = adapter.open(sessionConfigFor(options, definition.defaultModel, format, instructions), (event) => this.onEvent(event));
      if (options.greeting !== undefined) this.session.respond(greetingRequest(options.greeting.text));
    }
  }

  /** Starts hearing the prepared session's events, those it held first; call once the conversation is built. */
  attach(): void {
    this.preparedSession?.attach((event) => this.onEvent(event));
  }

  /** Says goodbye a little before the provider's session limit, then hangs up once it was heard. */
  watchSessionLimit(limitMs: number | undefined): void {
    if (limitMs === undefined) return;
    const lead = Math.min(SESSION_LIMIT_LEAD_MS, limitMs / 10);
    this.limitTimer = this.context.clock.setTimeout(() => {
      if (this.ended || this.failed) return;
      this.context.log.info({ provider: this.definition.name, limitMs }, 'ai session limit near; saying goodbye');
      this.session.respond('The call has reached its time limit. Tell the caller politely that you have to end the call now, and say goodbye.');
      if (this.pendingAction !== undefined) this.context.clock.clearTimeout(this.pendingAction.timer);
      this.pendingAction = undefined;
      this.afterLastWords(() => this.context.hangup({ reason: 'ai_session_limit' }));
    }, limitMs - lead);
  }

  /** One frame of caller audio (data plane): encoded and sent, nothing kept. */
  hear(samples: Int16Array, count: number): void {
    if (this.ready && !this.ended) this.session.sendAudio(this.encoder.encode(samples, count));
  }

  /** Telnyx echoed a mark: the caller heard everything before it. */
  heardMark(name: string): void {
    const position = this.markPositions.get(name);
    if (position === undefined) return;
    this.markPositions.delete(name);
    this.ledger.confirm(position);
    if (name === this.protectedUntilMark) {
      this.protectedUntilMark = undefined;
      this.session.setInterruptible(true);
    }
    if (this.pendingAction !== undefined && name === this.pendingAction.mark) this.runPendingAction();
  }

  /** The call is ending: close the session and log what the conversation added up to. */
  end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pendingAction !== undefined) this.context.clock.clearTimeout(this.pendingAction.timer);
    this.context.clock.clearTimeout(this.limitTimer);
    this.session.close();
    for (const abort of this.toolAborts) abort.abort();
    this.transcript.end(this.tally);
    this.context.reportTranscript({ provider: this.definition.name, turns: this.transcript.turns, summary: { ...this.tally } });
    countAiConversation(this.definition.name, this.tally);
    this.context.annotate('ai', { provider: this.definition.name, ...this.tally });
    this.context.log.info({ provider: this.definition.name, reason, ...this.tally }, 'ai conversation ended');
  }

  private onEvent(event: SpeechEvent): void {
    if (this.ended || this.failed) return;
    switch (event.type) {
      case 'ready':
        this.ready = true;
        return;
      case 'audio':
        this.play(event.itemId, event.audio);
        return;
      case 'speech-started':
        this.bargeIn();
        return;
      case 'response-started':
        if (this.greetingPending) {
          this.greetingPending = false;
          this.greetingResponseId = event.responseId;
        }
        return;
      case 'response-done':
        this.responseDone(event.responseId, event.usage);
        return;
      case 'transcript':
        if (event.role === 'user') this.tally.userTurns++;
        else this.tally.assistantTurns++;
        this.transcript.add(event.role, event.itemId, event.text);
        return;
      case 'tool-call':
        this.toolCall(event.callId, event.name, event.arguments);
        return;
      case 'error':
        // What a provider sends is outside input: each kind of error is logged once per call.
        if (event.fatal || !this.loggedErrors.has(event.code)) {
          this.loggedErrors.add(event.code);
          this.context.log.warn({ provider: this.definition.name, code: event.code, fatal: event.fatal, detail: event.message.slice(0, 200) }, 'ai provider error');
        }
        if (event.fatal) this.fail(event.code, event.message);
        return;
      case 'closed':
        this.fail('provider_unavailable', `session closed: ${event.reason}`);
        return;
      case 'speech-stopped':
      case 'truncated':
        return;
    }
  }

  private play(itemId: string, audio: Uint8Array): void {
    if (this.truncatedItems.has(itemId)) return;
    const { samples, count } = this.decoder.decode(audio);
    const accepted = this.context.output.play(samples, 0, count);
    const position = this.ledger.queue(itemId, accepted);
    const mark = `${MARK_PREFIX}${++this.markSequence}`;
    this.markPositions.set(mark, position);
    this.context.output.mark(mark);
  }

  private bargeIn(): void {
    if (this.protectedUntilMark !== undefined) return;
    if (this.ledger.queuedPosition <= this.ledger.confirmedPosition && this.context.output.queuedSamples === 0) return;
    const cleared = this.context.output.clear();
    for (const mark of cleared.cutMarks) this.markPositions.delete(mark);
    const interrupted = this.ledger.interrupt(cleared);
    if (interrupted === undefined) return;
    this.tally.interruptions++;
    this.truncatedItems.add(interrupted.itemId);
    this.session.truncate(interrupted.itemId, interrupted.heardMs);
    this.transcript.interrupted(interrupted.itemId, interrupted.queuedMs === 0 ? 0 : interrupted.heardMs / interrupted.queuedMs);
    this.context.log.debug({ itemId: interrupted.itemId, heardMs: interrupted.heardMs, queuedMs: interrupted.queuedMs }, 'ai barge-in');
  }

  private responseDone(responseId: string, usage: SpeechUsage | undefined): void {
    if (usage !== undefined) {
      this.tally.inputTokens += usage.inputTokens;
      this.tally.outputTokens += usage.outputTokens;
    }
    if (responseId === this.greetingResponseId && this.context.options.greeting?.interruptible === false) {
      this.protectedUntilMark = this.placeMark();
    }
    if (this.pendingAction !== undefined && this.pendingAction.mark === undefined) this.pendingAction.mark = this.placeMark();
  }

  /** A mark after everything queued so far. */
  private placeMark(): string {
    const mark = `${MARK_PREFIX}${++this.markSequence}`;
    this.markPositions.set(mark, this.ledger.queuedPosition);
    this.context.output.mark(mark);
    return mark;
  }

  private toolCall(callId: string, name: string, rawArguments: string): void {
    const { options, log } = this.context;
    const decision = decideToolCall(name, rawArguments, options.tools, options.transferTargets, options.userTools);
    log.info({ tool: name, decision: decision.kind }, 'ai tool call');
    switch (decision.kind) {
      case 'refuse':
        this.session.sendToolResult(callId, decision.result);
        return;
      case 'hangup':
        this.afterLastWords(() => this.context.hangup());
        return;
      case 'transfer':
        this.afterLastWords(() => this.context.transfer(decision.to));
        return;
      case 'user':
        void this.runUserTool(callId, decision.tool, decision.args);
        return;
      case 'dtmf':
        this.context.sendDtmf(decision.digits).then(
          () => this.session.sendToolResult(callId, JSON.stringify({ ok: true })),
          (error: unknown) => this.session.sendToolResult(callId, JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
        );
        return;
    }
  }

  /** Runs a tool of the user's and hands its result (or an error result) to the model; the call goes on either way. */
  private async runUserTool(callId: string, tool: AgentTool, args: unknown): Promise<void> {
    const abort = new AbortController();
    this.toolAborts.add(abort);
    const result = await runUserTool(tool, args, { call: this.context.call, log: this.context.log, clock: this.context.clock, abort });
    this.toolAborts.delete(abort);
    if (!this.ended && !this.failed) this.session.sendToolResult(callId, result);
  }

  /** Runs `action` once the response in progress has been heard (a mark after it is echoed). */
  private afterLastWords(action: () => void): void {
    if (this.pendingAction !== undefined) return;
    const timer = this.context.clock.setTimeout(() => this.runPendingAction(), ACTION_GRACE_MS);
    this.pendingAction = { run: action, mark: undefined, timer };
  }

  private runPendingAction(): void {
    const action = this.pendingAction;
    if (action === undefined || this.ended) return;
    this.pendingAction = undefined;
    this.context.clock.clearTimeout(action.timer);
    action.run();
  }

  /**
   * The provider failed: the caller must not be left in silence. Whatever half-said answer is queued
   * goes, the fallback prompt plays to the end, then the caller is transferred (`fallback.transferTo`)
   * or the call hangs up with `ai_unavailable`.
   */
  private fail(code: SpeechErrorCode, message: string): void {
    if (this.ended || this.failed) return;
    this.failed = true;
    this.ready = false;
    this.protectedUntilMark = undefined;
    const { output, options, log } = this.context;
    countAiFailure(this.definition.name, code);
    log.error({ provider: this.definition.name, code, detail: message.slice(0, 200), fallback: options.fallback.transferTo === undefined ? 'hangup' : 'transfer' }, 'ai provider unavailable; playing the fallback');
    this.session.close();
    this.ledger.interrupt(output.clear());
    this.markPositions.clear();
    const prompt = atRate(fallbackPrompt(options.fallback.prompt), output.sampleRate);
    this.ledger.queueUnowned(output.play(prompt));
    if (this.pendingAction !== undefined) this.context.clock.clearTimeout(this.pendingAction.timer);
    this.pendingAction = undefined;
    const transferTo = options.fallback.transferTo;
    this.afterLastWords(() => (transferTo === undefined ? this.context.hangup({ reason: 'ai_unavailable' }) : this.context.transfer(transferTo)));
    this.pendingAction!.mark = this.placeMark();
  }
}

function sameFormat(a: SpeechAudioFormat, b: SpeechAudioFormat): boolean {
  return a.encoding === b.encoding && a.sampleRate === b.sampleRate;
}

/** Builds the shipped bot that runs `definition`'s provider on each call. */
export function speechAgentBot(definition: SpeechAgentDefinition): BotLogic {
  let adapter: SpeechToSpeechAdapter | undefined;
  const bot = defineBot<AiAgentOptions>({
    name: definition.name,
    ...(definition.sampleRate === undefined ? {} : { sampleRate: definition.sampleRate }),
    parseOptions: (raw) => parseAiAgentOptions(definition.name, raw),
    // The provider session opens as soon as the call is known and asks for the greeting, so its
    // first words are ready when the media starts.
    prepare: (preview, options) => {
      adapter ??= definition.adapter();
      let format: SpeechAudioFormat;
      try {
        format = adapter.formatFor(preview.botSampleRate, preview.expectedEncoding);
      } catch {
        return undefined;
      }
      const instructions = renderInstructions(options.instructions, { from: preview.from ?? '', to: preview.to ?? '', customParameters: preview.customParameters });
      return new PreparedSpeechSession(definition.name, format, instructions, adapter, sessionConfigFor(options, definition.defaultModel, format, instructions), options.greeting?.text);
    },
    create: (context): BotHandlers => {
      adapter ??= definition.adapter();
      const conversation = new SpeechConversation(context, definition, adapter);
      conversation.attach();
      conversation.watchSessionLimit(adapter.sessionLimitMs);
      return {
        audio: (frame) => conversation.hear(frame.samples, frame.sampleCount),
        mark: (name) => conversation.heardMark(name),
        stop: (reason) => conversation.end(reason),
      };
    },
  });
  return withOptionsLoader(bot, loadAgentOptions);
}
