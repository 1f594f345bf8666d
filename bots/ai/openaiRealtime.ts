import type { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { connectErrorCode } from './connectErrorCode.js';
import { providerFormatFor } from './providerAudio.js';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { ClientOptions as WebSocketOptions } from 'ws';
import type {
  SpeechAudioFormat,
  SpeechListener,
  SpeechSession,
  SpeechSessionConfig,
  SpeechToSpeechAdapter,
  TurnDetection,
} from './speechToSpeech.js';

/** Options of {@link openaiRealtimeAdapter}. */
export interface OpenAIRealtimeOptions {
  /** Default: the SDK's (`OPENAI_API_KEY`). */
  readonly apiKey?: string | undefined;
  /** Default: the SDK's (`OPENAI_BASE_URL`, else `https://api.openai.com/v1`); the SDK opens `wss://` to it. */
  readonly baseURL?: string | undefined;
  /** Extra options for the WebSocket client, e.g. `ca` for a private certificate authority. */
  readonly webSocket?: WebSocketOptions | undefined;
  /** The Realtime API's limit on one session (default 60 minutes). */
  readonly sessionLimitMs?: number | undefined;
}

/** How long OpenAI lets one Realtime session last. */
export const OPENAI_SESSION_LIMIT_MS = 60 * 60_000;

/** Model used when an agent names none. */
export const OPENAI_DEFAULT_MODEL = 'gpt-realtime';

/** The OpenAI Realtime API (GA events) through the official `openai` SDK's WebSocket client. */
export function openaiRealtimeAdapter(options: OpenAIRealtimeOptions = {}): SpeechToSpeechAdapter {
  return {
    provider: 'openai',
    formatFor: providerFormatFor,
    sessionLimitMs: options.sessionLimitMs ?? OPENAI_SESSION_LIMIT_MS,
    open(config, listener) {
      return new OpenAIRealtimeSession(config, listener, options);
    },
  };
}

function wireFormat(format: SpeechAudioFormat): { type: 'audio/pcmu' } | { type: 'audio/pcma' } | { type: 'audio/pcm'; rate: 24000 } {
  if (format.encoding === 'pcmu') return { type: 'audio/pcmu' };
  if (format.encoding === 'pcma') return { type: 'audio/pcma' };
  if (format.sampleRate !== 24_000) throw new RangeError(`OpenAI Realtime takes PCM only at 24000 Hz, not ${format.sampleRate}`);
  return { type: 'audio/pcm', rate: 24_000 };
}

function wireTurnDetection(turn: TurnDetection | undefined, interruptResponse: boolean): Record<string, unknown> {
  if (turn?.type === 'semantic_vad') {
    return { type: 'semantic_vad', create_response: true, interrupt_response: interruptResponse, ...(turn.eagerness === undefined ? {} : { eagerness: turn.eagerness }) };
  }
  return {
    type: 'server_vad',
    create_response: true,
    interrupt_response: interruptResponse,
    ...(turn?.threshold === undefined ? {} : { threshold: turn.threshold }),
    ...(turn?.prefixPaddingMs === undefined ? {} : { prefix_padding_ms: turn.prefixPaddingMs }),
    ...(turn?.silenceDurationMs === undefined ? {} : { silence_duration_ms: turn.silenceDurationMs }),
  };
}

/** Codes OpenAI puts in `error` events that mean the session cannot go on. */
const FATAL_ERROR_CODES = new Set(['session_expired', 'invalid_api_key', 'insufficient_quota']);

/** Events kept while the socket opens: the greeting request and about a second of caller audio. */
const MAX_PENDING_EVENTS = 64;

class OpenAIRealtimeSession implements SpeechSession {
  private socket: OpenAIRealtimeWS | undefined;
  private closed = false;
  private opened = false;
  private readySent = false;
  private readonly pending: RealtimeClientEvent[] = [];

  constructor(
    private readonly config: SpeechSessionConfig,
    private readonly listener: SpeechListener,
    options: OpenAIRealtimeOptions,
  ) {
    this.connect(options).catch((error: unknown) => {
      this.listener({ type: 'error', code: 'connect_failed', message: error instanceof Error ? error.message : String(error), fatal: true });
      this.finish('could not connect');
    });
  }

  /** The SDK is loaded on the first AI call, not at engine start (it costs about 20 MB and 150 ms). */
  private async connect(options: OpenAIRealtimeOptions): Promise<void> {
    const [{ default: OpenAI }, { OpenAIRealtimeWS }] = await Promise.all([import('openai'), import('openai/realtime/ws')]);
    if (this.closed) return;
    const client = new OpenAI({
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    });
    const socket = new OpenAIRealtimeWS({ model: this.config.model, ...(options.webSocket === undefined ? {} : { options: options.webSocket }) }, client);
    this.socket = socket;
    socket.socket.on('open', () => this.onOpen(socket));
    socket.socket.on('close', (code, reason) => this.finish(reason.length > 0 ? reason.toString('utf8') : `closed with ${code}`));
    socket.on('error', (error) => this.onError(error));
    socket.on('event', (event) => {
      // An event whose fields are not what the API documents must not throw into the socket.
      try {
        this.onEvent(event);
      } catch (error) {
        this.listener({ type: 'error', code: 'protocol', message: `unreadable ${String((event as { type?: unknown }).type).slice(0, 64)} event: ${error instanceof Error ? error.message : String(error)}`, fatal: false });
      }
    });
  }

  sendAudio(audio: Uint8Array): void {
    // The agent hands over the same view every frame: wrap it once, not every 20 ms.
    if (audio !== this.lastAudio) {
      this.lastAudio = audio;
      this.lastAudioBuffer = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
    }
    this.send({ type: 'input_audio_buffer.append', audio: this.lastAudioBuffer!.toString('base64') });
  }

  private lastAudio: Uint8Array | undefined;
  private lastAudioBuffer: Buffer | undefined;

  respond(instructions?: string): void {
    this.send(instructions === undefined ? { type: 'response.create' } : { type: 'response.create', response: { instructions } });
  }

  truncate(itemId: string, audioEndMs: number): void {
    this.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: Math.max(0, Math.round(audioEndMs)) });
  }

  sendToolResult(callId: string, output: string): void {
    this.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
    this.send({ type: 'response.create' });
  }

  updateInstructions(instructions: string): void {
    this.send({ type: 'session.update', session: { type: 'realtime', instructions } });
  }

  setInterruptible(interruptible: boolean): void {
    this.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: wireTurnDetection(this.config.turnDetection, interruptible) as never } } },
    });
  }

  close(): void {
    if (this.closed) return;
    try {
      this.socket?.close({ code: 1000, reason: 'call ended' });
    } catch {
      // Already closing: the close event still ends the session.
    }
    this.finish('closed by callwire');
  }

  private send(event: RealtimeClientEvent): void {
    if (this.closed) return;
    if (!this.opened || this.socket === undefined) {
      // Before the socket opens, a second of caller audio at most waits; older audio is of no use.
      if (this.pending.length < MAX_PENDING_EVENTS) this.pending.push(event);
      return;
    }
    this.socket.send(event);
  }

  private onOpen(socket: OpenAIRealtimeWS): void {
    this.opened = true;
    const { config } = this;
    socket.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        model: config.model,
        instructions: config.instructions,
        output_modalities: ['audio'],
        audio: {
          input: {
            format: wireFormat(config.inputFormat),
            turn_detection: wireTurnDetection(config.turnDetection, config.interruptResponse) as never,
            transcription: { model: 'gpt-4o-mini-transcribe' },
          },
          output: { format: wireFormat(config.outputFormat), ...(config.voice === undefined ? {} : { voice: config.voice }) },
        },
        tools: config.tools.map((tool) => ({ type: 'function' as const, name: tool.name, description: tool.description, parameters: tool.parameters })),
        tool_choice: 'auto',
      },
    });
    for (const event of this.pending.splice(0)) socket.send(event);
  }

  private onError(error: Error & { error?: { code?: string | null; message?: string } | undefined }): void {
    if (this.closed) return;
    if (error.error !== undefined) {
      // An `error` event from the API: most are about one request and the session goes on.
      const code = error.error.code ?? 'provider_error';
      const fatal = FATAL_ERROR_CODES.has(code);
      this.listener({ type: 'error', code: code === 'session_expired' ? 'session_expired' : 'provider_error', message: `${code}: ${error.error.message ?? error.message}`, fatal });
      if (fatal) this.close();
      return;
    }
    if (error.message.includes('could not parse')) {
      // One frame that is not JSON: ignored, the session goes on.
      this.listener({ type: 'error', code: 'protocol', message: error.message, fatal: false });
      return;
    }
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    this.listener({ type: 'error', code: this.opened ? 'provider_unavailable' : connectErrorCode(detail), message: detail, fatal: true });
    this.close();
  }

  private onEvent(event: RealtimeServerEvent): void {
    if (this.closed) return;
    const emit = this.listener;
    switch (event.type) {
      case 'session.updated':
        if (!this.readySent) {
          this.readySent = true;
          emit({ type: 'ready' });
        }
        return;
      case 'response.output_audio.delta':
        emit({ type: 'audio', itemId: event.item_id, audio: Buffer.from(event.delta, 'base64') });
        return;
      case 'input_audio_buffer.speech_started':
        emit({ type: 'speech-started' });
        return;
      case 'input_audio_buffer.speech_stopped':
        emit({ type: 'speech-stopped' });
        return;
      case 'response.created':
        emit({ type: 'response-started', responseId: event.response.id ?? '' });
        return;
      case 'response.done': {
        const usage = event.response.usage;
        emit({
          type: 'response-done',
          responseId: event.response.id ?? '',
          status: event.response.status ?? 'completed',
          usage: usage === undefined ? undefined : { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 },
        });
        return;
      }
      case 'response.output_audio_transcript.done':
        emit({ type: 'transcript', role: 'assistant', itemId: event.item_id, text: event.transcript });
        return;
      case 'conversation.item.input_audio_transcription.completed':
        emit({ type: 'transcript', role: 'user', itemId: event.item_id, text: event.transcript });
        return;
      case 'response.function_call_arguments.done':
        emit({ type: 'tool-call', callId: event.call_id, name: event.name, arguments: event.arguments });
        return;
      case 'conversation.item.truncated':
        emit({ type: 'truncated', itemId: event.item_id, audioEndMs: event.audio_end_ms });
        return;
      default:
        return;
    }
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    this.listener({ type: 'closed', reason });
  }
}
