import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { EnergyVad, decodeFakeAudio, encodeFakeAudio, toneSamples } from './fakeAudio.js';

/** A function call the fake model makes in its answer to a given caller turn. */
export interface ScriptedGeminiToolCall {
  /** 0 for the answer to the first `clientContent` (a greeting), 1 for the caller's first spoken turn, and so on. */
  readonly turn: number;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** Options of {@link FakeGeminiLive.start}. */
export interface FakeGeminiLiveOptions {
  /** The only API key accepted (401 on the upgrade otherwise). */
  readonly apiKey: string;
  /** Time between the caller's turn ending and the answer starting. Default 0. */
  readonly thinkMs?: number;
  /** Length of each spoken answer. Default 1500 ms. */
  readonly answerMs?: number;
  /** Audio per `serverContent.modelTurn` message. Default 100 ms. */
  readonly deltaMs?: number;
  /** Mean absolute sample level that counts as speech. Default 600. */
  readonly speechLevel?: number;
  readonly toolCalls?: readonly ScriptedGeminiToolCall[];
  /** Refuse every upgrade with this HTTP status (401, 429, 503…) to test failures. */
  readonly refuseWithStatus?: number;
  /** Send `goAway` this long after `setupComplete`, then close the socket, as the service does at its session limit. */
  readonly goAwayAfterMs?: number;
}

/** A `Blob` as the Live API carries it: base64 bytes and their MIME type. */
export interface GeminiLiveBlob {
  readonly data?: string;
  readonly mimeType?: string;
}

/** The client's `setup` message as the SDK (Gemini Developer API mode) sends it. */
export interface GeminiLiveSetup {
  readonly model?: string;
  readonly generationConfig?: Record<string, unknown>;
  readonly systemInstruction?: { readonly role?: string; readonly parts?: readonly { readonly text?: string }[] };
  readonly tools?: readonly unknown[];
  readonly realtimeInputConfig?: {
    readonly automaticActivityDetection?: { readonly disabled?: boolean; readonly silenceDurationMs?: number } & Record<string, unknown>;
  } & Record<string, unknown>;
  readonly sessionResumption?: { readonly handle?: string };
  readonly inputAudioTranscription?: Record<string, unknown>;
  readonly outputAudioTranscription?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

/** What the fake did and saw in one session, for assertions and the bench. */
export interface FakeGeminiSession {
  /** The key the client presented (query `key` or `x-goog-api-key`). */
  readonly apiKey: string;
  setup: GeminiLiveSetup | undefined;
  /** The `sessionResumption.handle` the setup resumed from, if any. */
  resumedWith: string | undefined;
  /** The top-level key of every client message, in order. */
  readonly received: string[];
  /** Milliseconds of caller audio received. */
  inputMs: number;
  readonly speechStartedAt: number[];
  /** `performance.now()` of each `interrupted` sent. */
  readonly interruptedAt: number[];
  /** `performance.now()` when each answer's first audio was sent. */
  readonly firstAudioSentAt: number[];
  readonly clientTexts: string[];
  /** Every `functionResponses` entry the client sent. */
  readonly toolResponses: unknown[];
  closed: boolean;
}

interface RealtimeInput {
  readonly audio?: GeminiLiveBlob;
  readonly mediaChunks?: readonly GeminiLiveBlob[];
  readonly activityStart?: unknown;
  readonly activityEnd?: unknown;
}

interface ClientContent {
  readonly turns?: readonly { readonly role?: string; readonly parts?: readonly { readonly text?: string }[] }[];
  readonly turnComplete?: boolean;
}

interface FunctionResponse {
  readonly id?: string;
  readonly name?: string;
  readonly response?: unknown;
}

interface ActiveAnswer {
  cancelled: boolean;
}

const PATH = /^\/ws\/google\.ai\.generativelanguage\.v1(?:alpha|beta)\.GenerativeService\.BidiGenerateContent$/;
const DEFAULT_SILENCE_MS = 200;
const DEFAULT_INPUT_RATE = 16_000;
const OUTPUT_RATE = 24_000;
const GO_AWAY_CLOSE_MS = 200;
/** WebSocket close code the Live API uses for a request it cannot accept. */
const INVALID_PAYLOAD = 1007;

/**
 * A local stand-in for the Gemini Live API (`BidiGenerateContent`) over plain `ws://`, close enough that
 * the official `@google/genai` SDK connects unchanged. The "model" hears speech by energy, answers each
 * turn with a tone after `thinkMs`, interrupts itself when the caller talks over it, makes scripted
 * function calls, hands out resumption handles and can send `goAway`.
 */
export class FakeGeminiLive {
  /** Sessions in the order they connected. */
  readonly sessions: FakeGeminiSession[] = [];

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly options: FakeGeminiLiveOptions,
  ) {}

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(options: FakeGeminiLiveOptions): Promise<FakeGeminiLive> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeGeminiLive(server, wss, options);
    server.on('upgrade', (request, socket, head) => {
      // The SDK builds `${new URL(baseUrl)}/ws/…`, and URL serialisation adds a slash, so the path
      // arrives as `//ws/…`; left alone, URL parsing would read `ws` as a host.
      const url = new URL((request.url ?? '/').replace(/^\/+/, '/'), 'http://localhost');
      const refuse = (status: number, text: string, grpcStatus: string): void => {
        const body = JSON.stringify({ error: { code: status, message: text, status: grpcStatus } });
        socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      };
      socket.on('error', () => undefined);
      if (options.refuseWithStatus !== undefined) return refuse(options.refuseWithStatus, 'Refused by test', 'UNAVAILABLE');
      if (!PATH.test(url.pathname)) return refuse(404, 'Not Found', 'NOT_FOUND');
      const header = request.headers['x-goog-api-key'];
      const apiKey = url.searchParams.get('key') ?? (typeof header === 'string' ? header : '');
      if (apiKey !== options.apiKey) return refuse(401, 'API key not valid. Please pass a valid API key.', 'UNAUTHENTICATED');
      wss.handleUpgrade(request, socket, head, (ws) => fake.serve(ws, apiKey));
    });
    server.on('request', (_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL to give the SDK (`httpOptions.baseUrl`); `http:` makes it open `ws:`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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

  private serve(ws: WebSocket, apiKey: string): void {
    const options = this.options;
    const state: FakeGeminiSession = {
      apiKey,
      setup: undefined,
      resumedWith: undefined,
      received: [],
      inputMs: 0,
      speechStartedAt: [],
      interruptedAt: [],
      firstAudioSentAt: [],
      clientTexts: [],
      toolResponses: [],
      closed: false,
    };
    this.sessions.push(state);
    const sessionNumber = this.sessions.length;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, action: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, ms);
      timers.add(timer);
    };
    let vad: EnergyVad | undefined;
    let vadRate = 0;
    let silenceMs = DEFAULT_SILENCE_MS;
    let manualActivity = false;
    let turns = 0;
    let greeted = false;
    let calls = 0;
    const callTurns = new Map<string, number>();
    let active: ActiveAnswer | undefined;
    // Audio goes out far faster than real time, so "the model is speaking" has to mean "the caller is
    // still hearing what was sent", or a barge-in could never land.
    let audibleUntil = 0;
    const send = (message: Record<string, unknown>): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const reject = (reason: string): void => ws.close(INVALID_PAYLOAD, reason);

    const respond = (turn: number, withToolCall: boolean): void => {
      if (active !== undefined) active.cancelled = true;
      const answer: ActiveAnswer = { cancelled: false };
      active = answer;
      const audio = encodeFakeAudio('audio/pcm', toneSamples(300 + 100 * (turn % 5), options.answerMs ?? 1500, OUTPUT_RATE));
      const bytesPerMs = (2 * OUTPUT_RATE) / 1000;
      const chunk = Math.round((options.deltaMs ?? 100) * (OUTPUT_RATE / 1000)) * 2;
      const tool = withToolCall ? options.toolCalls?.find((call) => call.turn === turn) : undefined;
      let offset = 0;
      let startedAt = 0;
      const finish = (): void => {
        if (active === answer) active = undefined;
        send({ serverContent: { outputTranscription: { text: `This is answer number ${turn} from the fake model.` } } });
        if (tool !== undefined) {
          const id = `call-${sessionNumber}-${++calls}`;
          callTurns.set(id, turn);
          send({ toolCall: { functionCalls: [{ id, name: tool.name, args: tool.args }] } });
        }
        send({ serverContent: { turnComplete: true } });
        send({ usageMetadata: { promptTokenCount: 20, responseTokenCount: 10, totalTokenCount: 30 } });
        if (state.setup?.sessionResumption !== undefined) send({ sessionResumptionUpdate: { newHandle: `handle-${sessionNumber}-${turn}`, resumable: true } });
      };
      const next = (): void => {
        if (ws.readyState !== ws.OPEN || answer.cancelled) return;
        if (offset >= audio.length) return finish();
        const piece = audio.subarray(offset, offset + chunk);
        if (offset === 0) {
          startedAt = performance.now();
          state.firstAudioSentAt.push(startedAt);
        }
        offset += piece.length;
        audibleUntil = startedAt + offset / bytesPerMs;
        send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: `audio/pcm;rate=${OUTPUT_RATE}`, data: Buffer.from(piece).toString('base64') } }] } } });
        setImmediate(next);
      };
      next();
    };

    const onSpeechStart = (): void => {
      const now = performance.now();
      state.speechStartedAt.push(now);
      if (active === undefined && now >= audibleUntil) return;
      if (active !== undefined) active.cancelled = true;
      active = undefined;
      audibleUntil = 0;
      state.interruptedAt.push(now);
      send({ serverContent: { interrupted: true } });
    };
    const onSpeechStop = (): void => {
      const turn = ++turns;
      send({ serverContent: { inputTranscription: { text: `Caller turn ${turn}.` } } });
      later(options.thinkMs ?? 0, () => respond(turn, true));
    };
    const hear = (blob: GeminiLiveBlob): void => {
      const mimeType = blob.mimeType ?? '';
      if (!mimeType.startsWith('audio/')) return;
      if (!mimeType.startsWith('audio/pcm')) return reject(`Unsupported audio mime type: ${mimeType}`);
      const rate = Number(/rate=(\d+)/.exec(mimeType)?.[1] ?? DEFAULT_INPUT_RATE);
      const samples = decodeFakeAudio('audio/pcm', Buffer.from(blob.data ?? '', 'base64'));
      state.inputMs += (samples.length * 1000) / rate;
      if (manualActivity) return;
      if (vad === undefined || vadRate !== rate) {
        vad = new EnergyVad(rate, options.speechLevel ?? 600, silenceMs);
        vadRate = rate;
      }
      vad.feed(samples, onSpeechStart, onSpeechStop);
    };

    const onSetup = (setup: GeminiLiveSetup): void => {
      state.setup = setup;
      state.resumedWith = setup.sessionResumption?.handle;
      const detection = setup.realtimeInputConfig?.automaticActivityDetection;
      manualActivity = detection?.disabled === true;
      if (detection?.silenceDurationMs !== undefined) silenceMs = Number(detection.silenceDurationMs);
      send({ setupComplete: {} });
      const goAwayAfterMs = options.goAwayAfterMs;
      if (goAwayAfterMs !== undefined) {
        later(goAwayAfterMs, () => {
          send({ goAway: { timeLeft: '1s' } });
          later(GO_AWAY_CLOSE_MS, () => ws.close(1000));
        });
      }
    };

    ws.on('message', (data: RawData) => {
      let message: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(data.toString());
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
        message = parsed as Record<string, unknown>;
      } catch {
        return reject('Invalid JSON payload received.');
      }
      const key = Object.keys(message)[0] ?? '';
      state.received.push(key);
      if (key === 'setup') {
        if (state.setup !== undefined) return reject('setup must be the first and only setup message.');
        return onSetup(message['setup'] as GeminiLiveSetup);
      }
      if (state.setup === undefined) return reject('The first message must be setup.');
      switch (key) {
        case 'realtimeInput': {
          const input = message['realtimeInput'] as RealtimeInput;
          if (input.audio !== undefined) hear(input.audio);
          for (const blob of input.mediaChunks ?? []) hear(blob);
          if (manualActivity && input.activityStart !== undefined) onSpeechStart();
          if (manualActivity && input.activityEnd !== undefined) onSpeechStop();
          return;
        }
        case 'clientContent': {
          const content = message['clientContent'] as ClientContent;
          for (const turn of content.turns ?? []) for (const part of turn.parts ?? []) if (typeof part.text === 'string') state.clientTexts.push(part.text);
          if (content.turnComplete !== true) return;
          const turn = greeted ? ++turns : 0;
          greeted = true;
          return respond(turn, true);
        }
        case 'toolResponse': {
          const responses = (message['toolResponse'] as { functionResponses?: readonly FunctionResponse[] }).functionResponses ?? [];
          state.toolResponses.push(...responses);
          const turn = responses.map((response) => callTurns.get(String(response.id))).find((known) => known !== undefined) ?? turns;
          // The follow-up answer makes no call of its own, or a scripted call would repeat forever.
          return respond(turn, false);
        }
        case 'contextUpdate':
          return;
        default:
          return reject(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
      }
    });
    ws.on('close', () => {
      state.closed = true;
      if (active !== undefined) active.cancelled = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    });
  }
}
