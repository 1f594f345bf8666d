import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EnergyVad, decodeFakeAudio, encodeFakeAudio, rateOf, toneSamples, type FakeAudioEncoding } from './fakeAudio.js';
import type { TestCertificate } from './selfSignedTls.js';

/** A tool call the fake model makes in the response to a given caller turn. */
export interface ScriptedToolCall {
  /** 1 for the response to the caller's first turn, and so on. */
  readonly turn: number;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** Options of {@link FakeOpenAIRealtime.start}. */
export interface FakeOpenAIRealtimeOptions {
  readonly certificate: TestCertificate;
  /** The only API key accepted (401 otherwise). */
  readonly apiKey: string;
  /** Time between the caller's turn ending and the answer starting. Default 0. */
  readonly thinkMs?: number;
  /** Length of each spoken answer. Default 1500 ms. */
  readonly answerMs?: number;
  /** Audio per `response.output_audio.delta`. Default 100 ms. */
  readonly deltaMs?: number;
  /** Mean absolute sample level that counts as speech. Default 600. */
  readonly speechLevel?: number;
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Refuse every upgrade with this HTTP status (401, 429, 503…) to test failures. */
  readonly refuseWithStatus?: number;
}

/** What the fake did and saw in one session, for assertions and the bench. */
export interface FakeRealtimeSession {
  readonly model: string | null;
  readonly authorization: string | undefined;
  /** Every client event type, in order. */
  readonly received: string[];
  /** The last `session.update`'s `session`. */
  session: Record<string, unknown> | undefined;
  /** Milliseconds of caller audio appended. */
  inputMs: number;
  readonly speechStartedAt: number[];
  /** `performance.now()` when each response's first audio delta was sent. */
  readonly firstAudioSentAt: Map<string, number>;
  readonly truncations: { readonly itemId: string; readonly audioEndMs: number; readonly itemAudioMs: number; readonly at: number }[];
  readonly toolOutputs: { readonly callId: string; readonly output: string }[];
  /** Instructions of each `response.create` that had its own. */
  readonly responseInstructions: string[];
  closed: boolean;
}

interface ActiveResponse {
  readonly id: string;
  readonly itemId: string;
  cancelled: boolean;
}

const DEFAULT_SILENCE_MS = 200;

/**
 * A local stand-in for the OpenAI Realtime API (GA events) over `wss://`, close enough that the
 * official `openai` SDK connects unchanged. The "model" hears speech by energy, answers each turn with
 * a tone after `thinkMs`, honours `interrupt_response`, checks `conversation.item.truncate` against the
 * audio it sent, and makes scripted tool calls.
 */
export class FakeOpenAIRealtime {
  /** Sessions in the order they connected. */
  readonly sessions: FakeRealtimeSession[] = [];
  private ids = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly options: FakeOpenAIRealtimeOptions,
  ) {}

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(options: FakeOpenAIRealtimeOptions): Promise<FakeOpenAIRealtime> {
    const server = createServer({ cert: options.certificate.cert, key: options.certificate.key });
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeOpenAIRealtime(server, wss, options);
    server.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'https://localhost');
      const refuse = (status: number, text: string): void => {
        socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"message":"${text}"}}`);
      };
      if (options.refuseWithStatus !== undefined) return refuse(options.refuseWithStatus, 'Refused by test');
      if (url.pathname !== '/v1/realtime') return refuse(404, 'Not Found');
      if (request.headers.authorization !== `Bearer ${options.apiKey}`) return refuse(401, 'Incorrect API key provided');
      wss.handleUpgrade(request, socket, head, (ws) => fake.serve(ws, url.searchParams.get('model'), request.headers.authorization));
    });
    server.on('request', (_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL to give the SDK (`OPENAI_BASE_URL`). */
  get baseURL(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Sends `text` as is on every open session: frames no real service sends, to test the client. */
  sendRaw(text: string): void {
    for (const client of this.wss.clients) client.send(text);
  }

  /** Drops every open session abruptly, as a provider outage would. */
  dropSessions(): void {
    for (const client of this.wss.clients) client.terminate();
  }

  /** Closes every session and the server. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextId(prefix: string): string {
    return `${prefix}_${(++this.ids).toString(36).padStart(6, '0')}`;
  }

  private serve(ws: WebSocket, model: string | null, authorization: string | undefined): void {
    const options = this.options;
    const state: FakeRealtimeSession = {
      model,
      authorization,
      received: [],
      session: undefined,
      inputMs: 0,
      speechStartedAt: [],
      firstAudioSentAt: new Map(),
      truncations: [],
      toolOutputs: [],
      responseInstructions: [],
      closed: false,
    };
    this.sessions.push(state);
    let inputFormat: FakeAudioEncoding = 'audio/pcm';
    let outputFormat: FakeAudioEncoding = 'audio/pcm';
    let createResponse = true;
    let interruptResponse = true;
    let vad = new EnergyVad(rateOf(inputFormat), options.speechLevel ?? 600, DEFAULT_SILENCE_MS);
    let turns = 0;
    let active: ActiveResponse | undefined;
    const itemAudioMs = new Map<string, number>();
    const send = (event: Record<string, unknown>): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: this.nextId('event'), ...event }));
    };
    const error = (message: string, code: string | null = null): void => send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null } });

    const respond = (turn: number): void => {
      const responseId = this.nextId('resp');
      const itemId = this.nextId('item');
      const response: ActiveResponse = { id: responseId, itemId, cancelled: false };
      active = response;
      send({ type: 'response.created', response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } });
      send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
      const rate = rateOf(outputFormat);
      const answer = encodeFakeAudio(outputFormat, toneSamples(300 + 100 * (turn % 5), options.answerMs ?? 1500, rate));
      const bytesPerMs = (outputFormat === 'audio/pcm' ? 2 : 1) * (rate / 1000);
      const chunk = Math.round((options.deltaMs ?? 100) * bytesPerMs);
      let offset = 0;
      const tool = options.toolCalls?.find((call) => call.turn === turn);
      const finish = (status: 'completed' | 'cancelled'): void => {
        if (active === response) active = undefined;
        // A cancelled response still closes its audio and transcript, as the real service does.
        send({ type: 'response.output_audio.done', response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 });
        send({ type: 'response.output_audio_transcript.done', response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, transcript: `This is answer number ${turn} from the fake model, spoken as a steady tone.` });
        if (status === 'completed') {
          if (tool !== undefined) {
            const callItem = this.nextId('item');
            send({ type: 'response.output_item.added', response_id: responseId, output_index: 1, item: { id: callItem, type: 'function_call', status: 'in_progress', name: tool.name, call_id: `call_${callItem}`, arguments: '' } });
            send({ type: 'response.function_call_arguments.done', response_id: responseId, item_id: callItem, output_index: 1, call_id: `call_${callItem}`, name: tool.name, arguments: JSON.stringify(tool.arguments) });
          }
        }
        send({ type: 'response.done', response: { id: responseId, object: 'realtime.response', status, output: [], usage: { total_tokens: 30, input_tokens: 20, output_tokens: 10 } } });
      };
      const next = (): void => {
        if (ws.readyState !== ws.OPEN) return;
        if (response.cancelled) return finish('cancelled');
        if (offset >= answer.length) return finish('completed');
        const piece = answer.subarray(offset, offset + chunk);
        if (offset === 0) state.firstAudioSentAt.set(responseId, performance.now());
        offset += piece.length;
        itemAudioMs.set(itemId, offset / bytesPerMs);
        send({ type: 'response.output_audio.delta', response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: Buffer.from(piece).toString('base64') });
        setImmediate(next);
      };
      next();
    };

    const onSpeechStart = (atMs: number): void => {
      state.speechStartedAt.push(performance.now());
      send({ type: 'input_audio_buffer.speech_started', audio_start_ms: atMs, item_id: this.nextId('item') });
      if (active !== undefined && interruptResponse) active.cancelled = true;
    };
    const onSpeechStop = (atMs: number): void => {
      send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: atMs, item_id: this.nextId('item') });
      const userItem = this.nextId('item');
      send({ type: 'input_audio_buffer.committed', item_id: userItem, previous_item_id: null });
      turns++;
      send({ type: 'conversation.item.input_audio_transcription.completed', item_id: userItem, content_index: 0, transcript: `Caller turn ${turns}.`, usage: { type: 'duration', seconds: 1 } });
      if (!createResponse) return;
      const turn = turns;
      setTimeout(() => respond(turn), options.thinkMs ?? 0);
    };

    ws.on('message', (data) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return error('We could not parse the JSON body of your request.');
      }
      const type = String(event['type']);
      state.received.push(type);
      switch (type) {
        case 'session.update': {
          const session = event['session'] as Record<string, unknown> | undefined;
          if (session?.['type'] !== 'realtime') return error("Missing required parameter: 'session.type'.", 'missing_required_parameter');
          state.session = { ...state.session, ...session };
          const audio = session['audio'] as { input?: Record<string, any>; output?: Record<string, any> } | undefined;
          if (audio?.input?.['format']?.type !== undefined) inputFormat = audio.input['format'].type as FakeAudioEncoding;
          if (audio?.output?.['format']?.type !== undefined) outputFormat = audio.output['format'].type as FakeAudioEncoding;
          const turn = audio?.input?.['turn_detection'] as Record<string, unknown> | undefined;
          if (turn !== undefined) {
            createResponse = turn['create_response'] !== false;
            interruptResponse = turn['interrupt_response'] !== false;
          }
          if (audio?.input?.['format'] !== undefined) vad = new EnergyVad(rateOf(inputFormat), options.speechLevel ?? 600, Number(turn?.['silence_duration_ms'] ?? DEFAULT_SILENCE_MS));
          else if (turn?.['silence_duration_ms'] !== undefined) vad.setSilenceMs(Number(turn['silence_duration_ms']));
          return send({ type: 'session.updated', session: state.session });
        }
        case 'input_audio_buffer.append': {
          const samples = decodeFakeAudio(inputFormat, Buffer.from(String(event['audio']), 'base64'));
          state.inputMs += (samples.length * 1000) / rateOf(inputFormat);
          return vad.feed(samples, onSpeechStart, onSpeechStop);
        }
        case 'response.create': {
          const instructions = (event['response'] as { instructions?: unknown } | undefined)?.instructions;
          if (typeof instructions === 'string') state.responseInstructions.push(instructions);
          return respond(0);
        }
        case 'response.cancel':
          if (active !== undefined) active.cancelled = true;
          return;
        case 'conversation.item.truncate': {
          const itemId = String(event['item_id']);
          const audioEndMs = Number(event['audio_end_ms']);
          const sentMs = itemAudioMs.get(itemId);
          if (sentMs === undefined) return error(`Item with item_id '${itemId}' not found.`, 'item_not_found');
          if (audioEndMs > sentMs) return error(`audio_end_ms ${audioEndMs} is longer than the item's audio (${sentMs} ms).`, 'invalid_value');
          state.truncations.push({ itemId, audioEndMs, itemAudioMs: sentMs, at: performance.now() });
          return send({ type: 'conversation.item.truncated', item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
        }
        case 'conversation.item.create': {
          const item = event['item'] as { type?: unknown; call_id?: unknown; output?: unknown } | undefined;
          if (item?.type === 'function_call_output') state.toolOutputs.push({ callId: String(item.call_id), output: String(item.output) });
          return send({ type: 'conversation.item.added', previous_item_id: null, item: { id: this.nextId('item'), ...item } });
        }
        default:
          return error(`Invalid value: '${type}'.`, 'invalid_value');
      }
    });
    ws.on('close', () => {
      state.closed = true;
      if (active !== undefined) active.cancelled = true;
    });
    send({ type: 'session.created', session: { type: 'realtime', object: 'realtime.session', id: this.nextId('sess'), model } });
  }
}
