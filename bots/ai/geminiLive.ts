import type { LiveServerMessage, Session } from '@google/genai';
import type { Resampler } from '../../codecs/resample/index.js';
import { connectErrorCode } from './connectErrorCode.js';
import type { SpeechAudioFormat, SpeechErrorCode, SpeechListener, SpeechSession, SpeechSessionConfig, SpeechToSpeechAdapter } from './speechToSpeech.js';

/** Options of {@link geminiLiveAdapter}. */
export interface GeminiLiveOptions {
  /** Default: `GEMINI_API_KEY`. */
  readonly apiKey?: string | undefined;
  /** Default: `GEMINI_BASE_URL`, else the SDK's (`https://generativelanguage.googleapis.com/`). */
  readonly baseUrl?: string | undefined;
}

/** Model used when an agent names none. */
export const GEMINI_DEFAULT_MODEL = 'gemini-live-2.5-flash-preview';

/** Gemini Live hears 16 kHz PCM and speaks 24 kHz PCM. */
const GEMINI_INPUT_RATE = 16_000;
const GEMINI_OUTPUT_RATE = 24_000;
const INPUT_MIME = `audio/pcm;rate=${GEMINI_INPUT_RATE}`;

/** The Gemini Live API through the official `@google/genai` SDK. */
export function geminiLiveAdapter(options: GeminiLiveOptions = {}): SpeechToSpeechAdapter {
  return {
    provider: 'gemini',
    // Gemini speaks PCM only: the bot's own rate on the wire to callwire, resampled here to and from Gemini's.
    formatFor: (botSampleRate: number): SpeechAudioFormat => ({ encoding: 'pcm16', sampleRate: botSampleRate }),
    open(config, listener) {
      return new GeminiLiveSession(config, listener, options);
    },
  };
}

/** Little-endian PCM16 bytes as samples, into `out` (grown when short); returns the sample count. */
function samplesOf(bytes: Uint8Array, out: { samples: Int16Array }): number {
  const count = bytes.length >> 1;
  if (out.samples.length < count) out.samples = new Int16Array(count * 2);
  for (let i = 0; i < count; i++) out.samples[i] = (bytes[2 * i + 1]! << 24) >> 16 | bytes[2 * i]!;
  return count;
}

function bytesOf(samples: Int16Array, count: number): Buffer {
  const bytes = Buffer.allocUnsafe(count * 2);
  for (let i = 0; i < count; i++) bytes.writeInt16LE(samples[i]!, 2 * i);
  return bytes;
}

/** The state of one turn of the model: Gemini has no item ids, so callwire numbers its turns. */
interface ModelTurn {
  readonly itemId: string;
  started: boolean;
  userText: string;
  modelText: string;
}

/**
 * One Gemini Live conversation. Gemini ends a connection after about ten minutes (it warns with
 * `goAway`); the session then reconnects with its latest resumption handle, and the caller hears
 * nothing of it.
 */
class GeminiLiveSession implements SpeechSession {
  private live: Session | undefined;
  private closed = false;
  private ready = false;
  private handle: string | undefined;
  private turns = 0;
  private turn: ModelTurn = { itemId: 'turn-0', started: false, userText: '', modelText: '' };
  private readonly toolNames = new Map<string, string>();
  private toInput: Resampler | undefined;
  private fromOutput: Resampler | undefined;
  private readonly scratch = { samples: new Int16Array(4096) };
  private resampled = new Int16Array(8192);
  private inputBytes = Buffer.alloc(2048);
  private readonly pending: (() => void)[] = [];
  private reconnecting = false;
  /** Tokens of the turn in progress, from Gemini's usageMetadata; reported with its response-done. */
  private usage: { inputTokens: number; outputTokens: number } | undefined;
  private sdk: typeof import('@google/genai') | undefined;

  constructor(
    private readonly config: SpeechSessionConfig,
    private readonly listener: SpeechListener,
    private readonly options: GeminiLiveOptions,
  ) {
    this.start().catch((error: unknown) => this.fail('connect_failed', error instanceof Error ? error.message : String(error)));
  }

  sendAudio(audio: Uint8Array): void {
    const live = this.live;
    if (live === undefined || !this.ready || this.toInput === undefined) return;
    const count = samplesOf(audio, this.scratch);
    const needed = this.toInput.maxOutputCount(count);
    if (this.resampled.length < needed) this.resampled = new Int16Array(needed * 2);
    const written = this.toInput.process(this.scratch.samples, count, this.resampled);
    // One buffer for the 16 kHz bytes, reused every frame; only the base64 string is new.
    if (this.inputBytes.length < written * 2) this.inputBytes = Buffer.alloc(written * 4);
    for (let i = 0; i < written; i++) this.inputBytes.writeInt16LE(this.resampled[i]!, 2 * i);
    live.sendRealtimeInput({ audio: { data: this.inputBytes.toString('base64', 0, written * 2), mimeType: INPUT_MIME } });
  }

  respond(instructions?: string): void {
    this.whenReady(() => this.live?.sendClientContent({ turns: [{ role: 'user', parts: [{ text: instructions ?? 'Go on.' }] }], turnComplete: true }));
  }

  truncate(): void {
    // Gemini keeps no audio item to cut: when it reports `interrupted`, it has already stopped
    // the turn where the caller's speech began.
  }

  sendToolResult(callId: string, output: string): void {
    let response: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(output);
      response = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { output: parsed };
    } catch {
      response = { output };
    }
    const name = this.toolNames.get(callId) ?? '';
    this.toolNames.delete(callId);
    this.whenReady(() => this.live?.sendToolResponse({ functionResponses: [{ id: callId, name, response }] }));
  }

  updateInstructions(instructions: string): void {
    // Gemini's system instruction is fixed for the session; the call's details go in as context.
    this.whenReady(() => this.live?.sendClientContent({ turns: [{ role: 'user', parts: [{ text: `(Context for this call, not to be answered: ${instructions})` }] }], turnComplete: false }));
  }

  setInterruptible(): void {
    // Fixed for the session in Gemini; the agent itself keeps a protected greeting playing.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.live?.close();
    } catch {
      // Not connected yet: nothing to close.
    }
    this.listener({ type: 'closed', reason: 'closed by callwire' });
  }

  private whenReady(send: () => void): void {
    if (this.ready) send();
    else if (this.pending.length < 16) this.pending.push(send);
  }

  /** Loads the SDK and the resampler on first use (neither is needed by an engine without Gemini agents). */
  private async start(): Promise<void> {
    const [sdk, { createResampler }] = await Promise.all([import('@google/genai'), import('../../codecs/resample/index.js')]);
    this.sdk = sdk;
    const botRate = this.config.inputFormat.sampleRate;
    this.toInput = createResampler(botRate, GEMINI_INPUT_RATE);
    this.fromOutput = botRate === GEMINI_OUTPUT_RATE ? undefined : createResampler(GEMINI_OUTPUT_RATE, botRate);
    if (this.closed) return;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const sdk = this.sdk!;
    const apiKey = this.options.apiKey ?? process.env['GEMINI_API_KEY'];
    const baseUrl = this.options.baseUrl ?? process.env['GEMINI_BASE_URL'];
    const ai = new sdk.GoogleGenAI({ ...(apiKey === undefined ? {} : { apiKey }), ...(baseUrl === undefined || baseUrl === '' ? {} : { httpOptions: { baseUrl } }) });
    const { config } = this;
    const turn = config.turnDetection;
    let opened: Session | undefined;
    const session = await ai.live.connect({
      model: config.model,
      config: {
        responseModalities: [sdk.Modality.AUDIO],
        systemInstruction: config.instructions,
        ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
        ...(config.voice === undefined ? {} : { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: config.voice } } } }),
        ...(config.tools.length === 0 ? {} : { tools: [{ functionDeclarations: config.tools.map((tool) => ({ name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters })) }] }),
        realtimeInputConfig: {
          automaticActivityDetection: {
            disabled: false,
            ...(turn?.type === 'server_vad' && turn.prefixPaddingMs !== undefined ? { prefixPaddingMs: turn.prefixPaddingMs } : {}),
            ...(turn?.type === 'server_vad' && turn.silenceDurationMs !== undefined ? { silenceDurationMs: turn.silenceDurationMs } : {}),
          },
        },
        sessionResumption: this.handle === undefined ? {} : { handle: this.handle },
        inputAudioTranscription: {},
        outputAudioTranscription: {},
      },
      callbacks: {
        onmessage: (message: LiveServerMessage) => {
          // A message whose fields are not what the API documents must not throw into the socket.
          try {
            this.onMessage(message, opened);
          } catch (error) {
            this.listener({ type: 'error', code: 'protocol', message: `unreadable message: ${error instanceof Error ? error.message : String(error)}`, fatal: false });
          }
        },
        onerror: (event: { message?: string }) => {
          if (!this.ready && !this.reconnecting) this.fail(connectErrorCode(String(event.message ?? '')), String(event.message ?? 'connection failed'));
        },
        onclose: (event: { code?: number; reason?: string }) => {
          if (opened === undefined || opened !== this.live || this.closed || this.reconnecting) return;
          // A connection that ends without a goAway: resume if Gemini gave a handle, else the session is over.
          if (this.handle !== undefined) void this.resume();
          else this.fail('provider_unavailable', `connection closed (${event.code ?? '?'} ${event.reason ?? ''})`);
        },
      },
    });
    opened = session;
    if (this.closed) {
      session.close();
      return;
    }
    const previous = this.live;
    this.live = session;
    if (previous !== undefined) {
      try {
        previous.close();
      } catch {
        // Already gone.
      }
    }
    // `connect` resolves once Gemini sent setupComplete: the session takes audio from now on.
    if (!this.ready) {
      this.ready = true;
      this.listener({ type: 'ready' });
    }
    for (const send of this.pending.splice(0)) send();
  }

  private async resume(): Promise<void> {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = true;
    try {
      await this.connect();
    } catch (error) {
      this.fail('provider_unavailable', `could not resume the session: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.reconnecting = false;
    }
  }

  private onMessage(message: LiveServerMessage, from: Session | undefined): void {
    if (this.closed) return;
    // Messages of a connection that a resumed one replaced are of no use.
    if (from !== undefined && this.live !== undefined && from !== this.live && !this.reconnecting) return;
    const emit = this.listener;
    if (message.setupComplete !== undefined) {
      // The SDK hands this over before `connect` returns the session: readiness waits for that (connect()).
      return;
    }
    if (message.sessionResumptionUpdate?.resumable === true && message.sessionResumptionUpdate.newHandle) {
      this.handle = message.sessionResumptionUpdate.newHandle;
      return;
    }
    if (message.goAway !== undefined) {
      void this.resume();
      return;
    }
    if (message.toolCall?.functionCalls !== undefined) {
      for (const call of message.toolCall.functionCalls) {
        const id = call.id ?? `${call.name ?? 'tool'}-${this.turns}`;
        this.toolNames.set(id, call.name ?? '');
        emit({ type: 'tool-call', callId: id, name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) });
      }
      return;
    }
    if (message.usageMetadata !== undefined) {
      this.usage = { inputTokens: message.usageMetadata.promptTokenCount ?? 0, outputTokens: message.usageMetadata.responseTokenCount ?? 0 };
      return;
    }
    const content = message.serverContent;
    if (content === undefined) return;
    if (content.interrupted === true) {
      emit({ type: 'speech-started' });
      this.endTurn('cancelled');
      return;
    }
    if (content.inputTranscription?.text) this.turn.userText += content.inputTranscription.text;
    if (content.outputTranscription?.text) this.turn.modelText += content.outputTranscription.text;
    for (const part of content.modelTurn?.parts ?? []) {
      const data = part.inlineData?.data;
      if (data === undefined) continue;
      if (!this.turn.started) {
        this.turn.started = true;
        emit({ type: 'response-started', responseId: this.turn.itemId });
      }
      emit({ type: 'audio', itemId: this.turn.itemId, audio: this.toBotRate(Buffer.from(data, 'base64')) });
    }
    if (content.turnComplete === true) this.endTurn('completed');
  }

  private endTurn(status: 'completed' | 'cancelled'): void {
    const turn = this.turn;
    const emit = this.listener;
    if (turn.userText !== '') emit({ type: 'transcript', role: 'user', itemId: `${turn.itemId}-caller`, text: turn.userText.trim() });
    if (turn.modelText !== '') emit({ type: 'transcript', role: 'assistant', itemId: turn.itemId, text: turn.modelText.trim() });
    if (turn.started) emit({ type: 'response-done', responseId: turn.itemId, status, usage: this.usage });
    this.usage = undefined;
    this.turns++;
    this.turn = { itemId: `turn-${this.turns}`, started: false, userText: '', modelText: '' };
  }

  private toBotRate(bytes: Buffer): Uint8Array {
    const resampler = this.fromOutput;
    if (resampler === undefined) return bytes;
    const count = samplesOf(bytes, this.scratch);
    const needed = resampler.maxOutputCount(count);
    if (this.resampled.length < needed) this.resampled = new Int16Array(needed * 2);
    const written = resampler.process(this.scratch.samples, count, this.resampled);
    return bytesOf(this.resampled, written);
  }

  private fail(code: SpeechErrorCode, message: string): void {
    if (this.closed) return;
    this.listener({ type: 'error', code, message, fatal: true });
    this.close();
  }
}
