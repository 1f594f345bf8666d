/**
 * The softphone page: calls an agent over the engine's Telnyx media-stream endpoint, exactly as
 * Telnyx would, with the microphone as the caller and the speakers as the phone's earpiece.
 */
import { ArrivalFigures } from './arrivalFigures.js';
import { canPlay, decodePayload, encodeL16, encodeMulaw, type ReplyFormat } from './pcm.js';
import { connectedFrame, dtmfFrame, fromBase64, markFrame, mediaFrame, parseEngineFrame, startFrame, stopFrame, type PageCall, type PageEncoding } from './telnyxFrames.js';

/** One agent as `/try/agents` lists it. */
interface AgentEntry {
  readonly serviceHost: string;
  readonly bot: string;
  readonly needsToken: boolean;
  readonly l16ByteOrder: 'big' | 'little';
  readonly replies: Readonly<Record<PageEncoding, ReplyFormat>>;
}

/** One turn of an AI agent's conversation, as the engine last saw it. */
interface TranscriptLine {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly interrupted: boolean;
}

/** The engine's figures for a page call (`/try/calls/ID`). */
interface EngineCallFigures {
  readonly framesIn: number;
  readonly jitter: { readonly targetDelayMs: number; readonly ticks: number; readonly concealedFrames: number };
  /** AI agents' turns so far; empty for other bots. */
  readonly transcript?: readonly TranscriptLine[];
}

/** What the playout worklet reports. */
type PlayoutReport =
  | { readonly type: 'played'; readonly name: string }
  | { readonly type: 'stats'; readonly bufferedMs: number; readonly underruns: number; readonly droppedMs: number; readonly rms: number };

/** The playout buffer's depth before it starts or resumes playing. */
const PREBUFFER_MS = 60;
/** Close code of a stream the agent refused for its token. */
const UNAUTHORIZED = 4401;

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

const form = byId<HTMLFormElement>('call-form');
const agentSelect = byId<HTMLSelectElement>('agent');
const tokenRow = byId<HTMLDivElement>('token-row');
const tokenInput = byId<HTMLInputElement>('token');
const codecSelect = byId<HTMLSelectElement>('codec');
const voiceProcessing = byId<HTMLInputElement>('voice-processing');
const callButton = byId<HTMLButtonElement>('call');
const hangupButton = byId<HTMLButtonElement>('hangup');
const status = byId<HTMLParagraphElement>('status');
const keys = [...byId<HTMLDivElement>('keypad').querySelectorAll<HTMLButtonElement>('button[data-key]')];

let agents: AgentEntry[] = [];
let active: ActiveCall | undefined;

function setStatus(state: string, text: string): void {
  status.dataset['state'] = state;
  status.textContent = text;
}

function setFigure(id: string, value: number | string, text: string): void {
  const element = byId(id);
  element.dataset['value'] = String(value);
  element.textContent = text;
}

function selectedAgent(): AgentEntry | undefined {
  return agents.find((agent) => agent.serviceHost === agentSelect.value);
}

function showTokenRow(): void {
  tokenRow.hidden = selectedAgent()?.needsToken !== true;
}

function setCalling(calling: boolean): void {
  callButton.disabled = calling;
  hangupButton.disabled = !calling;
  agentSelect.disabled = calling;
  codecSelect.disabled = calling;
  voiceProcessing.disabled = calling;
  for (const key of keys) key.disabled = !calling;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** One call in progress: the microphone, the two worklets, the stream and its figures. */
class ActiveCall {
  readonly #call: PageCall;
  readonly #reply: ReplyFormat;
  readonly #agent: AgentEntry;
  readonly #socket: WebSocket;
  readonly #context: AudioContext;
  readonly #microphone: MediaStream;
  readonly #playout: AudioWorkletNode;
  readonly #arrivals = new ArrivalFigures();
  #sequence = 1;
  #chunk = 0;
  #timestamp = 0;
  #sentFrames = 0;
  #marksReceived = 0;
  #marksPlayed = 0;
  #clears = 0;
  #keysSent = '';
  #hungUp = false;
  #ended = false;
  readonly #poller: number;

  constructor(agent: AgentEntry, call: PageCall, token: string | undefined, context: AudioContext, microphone: MediaStream, capture: AudioWorkletNode, playout: AudioWorkletNode) {
    this.#agent = agent;
    this.#call = call;
    this.#reply = agent.replies[call.encoding];
    this.#context = context;
    this.#microphone = microphone;
    this.#playout = playout;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.#socket = new WebSocket(`${scheme}://${location.host}/ws/telnyx?serviceHost=${encodeURIComponent(agent.serviceHost)}`);
    this.#socket.onopen = () => {
      this.#socket.send(connectedFrame(token));
      this.#socket.send(startFrame(call));
      setStatus('in-call', `In call with ${agent.serviceHost}. Talk now.`);
      capture.port.onmessage = (event: MessageEvent<Int16Array>) => this.#sendAudio(event.data);
    };
    this.#socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.#received(event.data);
    };
    this.#socket.onclose = (event: CloseEvent) => this.#closed(event.code, event.reason);
    playout.port.onmessage = (event: MessageEvent<PlayoutReport>) => this.#playoutReport(event.data);
    this.#poller = window.setInterval(() => void this.#pollEngine(), 1000);
  }

  /** Presses a key: a `dtmf` frame, as Telnyx sends a caller's keypress. */
  press(digit: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(dtmfFrame(this.#call, ++this.#sequence, digit));
    this.#keysSent += digit;
    setFigure('fig-keys', this.#keysSent, this.#keysSent);
  }

  /** The caller hangs up: `stop`, then the socket closes. */
  hangUp(): void {
    this.#hungUp = true;
    if (this.#socket.readyState === WebSocket.OPEN) {
      this.#socket.send(stopFrame(this.#call, ++this.#sequence));
      this.#socket.close(1000, 'caller hung up');
    } else {
      this.#socket.close();
    }
  }

  #sendAudio(samples: Int16Array): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    const payload = this.#call.encoding === 'L16' ? encodeL16(samples, this.#agent.l16ByteOrder) : encodeMulaw(samples);
    this.#socket.send(mediaFrame(this.#call, ++this.#sequence, ++this.#chunk, this.#timestamp, payload));
    this.#timestamp += samples.length;
    this.#sentFrames++;
  }

  #received(text: string): void {
    const frame = parseEngineFrame(text);
    if (frame === undefined) return;
    if (frame.event === 'media') {
      const bytes = fromBase64(frame.media.payload);
      const samples = decodePayload(bytes, this.#reply, this.#agent.l16ByteOrder);
      this.#arrivals.received(performance.now(), (samples.length * 1000) / this.#reply.sampleRate, bytes.length);
      this.#playout.port.postMessage({ type: 'audio', samples }, [samples.buffer]);
    } else if (frame.event === 'mark') {
      this.#marksReceived++;
      this.#playout.port.postMessage({ type: 'mark', name: frame.mark.name });
    } else {
      this.#clears++;
      this.#playout.port.postMessage({ type: 'clear' });
      setFigure('fig-clears', this.#clears, String(this.#clears));
    }
  }

  #playoutReport(report: PlayoutReport): void {
    if (report.type === 'played') {
      this.#marksPlayed++;
      if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(markFrame(this.#call, ++this.#sequence, report.name));
      setFigure('fig-marks', this.#marksPlayed, `${this.#marksPlayed} / ${this.#marksReceived}`);
      return;
    }
    const arrivals = this.#arrivals;
    setFigure('fig-sent-frames', this.#sentFrames, `${this.#sentFrames} frames`);
    setFigure('fig-received', arrivals.bytes, `${arrivals.messages} messages, ${arrivals.bytes} bytes`);
    setFigure('fig-arrival-jitter', arrivals.jitterMs, `${arrivals.jitterMs.toFixed(1)} ms`);
    setFigure('fig-late', arrivals.late, String(arrivals.late));
    setFigure('fig-buffer', report.bufferedMs, `${Math.round(report.bufferedMs)} ms`);
    setFigure('fig-underruns', report.underruns, String(report.underruns));
    setFigure('fig-dropped', report.droppedMs, `${Math.round(report.droppedMs)} ms`);
    const dbfs = report.rms > 0 ? `${(20 * Math.log10(report.rms)).toFixed(1)} dBFS` : '−∞ dBFS';
    setFigure('fig-rms', report.rms, dbfs);
    setFigure('fig-marks', this.#marksPlayed, `${this.#marksPlayed} / ${this.#marksReceived}`);
  }

  async #pollEngine(): Promise<void> {
    const reply = await fetch(`/try/calls/${this.#call.callControlId}`, { cache: 'no-store' }).catch(() => undefined);
    if (reply === undefined || !reply.ok || this.#ended) return;
    const figures = (await reply.json()) as EngineCallFigures;
    const { jitter } = figures;
    setFigure('fig-engine-delay', jitter.targetDelayMs, `${jitter.targetDelayMs} ms target`);
    const share = jitter.ticks > 0 ? (100 * jitter.concealedFrames) / jitter.ticks : 0;
    setFigure('fig-engine-concealed', jitter.concealedFrames, `${jitter.concealedFrames} of ${jitter.ticks} frames (${share.toFixed(1)} %)`);
    showTranscript(figures.transcript ?? []);
  }

  #closed(code: number, reason: string): void {
    this.#ended = true;
    window.clearInterval(this.#poller);
    for (const track of this.#microphone.getTracks()) track.stop();
    void this.#context.close();
    active = undefined;
    setCalling(false);
    if (this.#hungUp) setStatus('ended', 'Call ended: you hung up.');
    else if (code === UNAUTHORIZED) setStatus('refused', `${this.#agent.serviceHost} refused the call: wrong or missing stream token.`);
    else if (code === 1000) setStatus('ended', `Call ended by the agent${reason === '' ? '' : ` (${reason})`}.`);
    else if (code === 1006 && this.#sentFrames === 0) setStatus('failed', 'The engine did not take the call (unknown agent, or too busy). Its log says why.');
    else setStatus('failed', `The stream closed: ${code}${reason === '' ? '' : ` ${reason}`}.`);
  }
}

async function startCall(): Promise<void> {
  const agent = selectedAgent();
  if (agent === undefined || active !== undefined) return;
  const encoding = codecSelect.value === 'L16' ? 'L16' : 'PCMU';
  const reply = agent.replies[encoding];
  if (!canPlay(reply)) {
    setStatus('failed', `${agent.serviceHost} answers in ${reply.encoding}, which this page cannot play.`);
    return;
  }
  if (navigator.mediaDevices === undefined) {
    setStatus('failed', 'The microphone needs a secure page: open this page over https, or on localhost.');
    return;
  }
  const token = agent.needsToken ? tokenInput.value : undefined;
  setCalling(true);
  setStatus('starting', 'Starting the microphone…');
  try {
    const processing = voiceProcessing.checked;
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing } });
    const context = new AudioContext({ latencyHint: 'interactive' });
    await context.audioWorklet.addModule('/try/app/captureWorklet.js');
    await context.audioWorklet.addModule('/try/app/playoutWorklet.js');
    const sampleRate = encoding === 'L16' ? 16000 : 8000;
    const capture = new AudioWorkletNode(context, 'callwire-capture', { numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { targetRate: sampleRate } });
    const playout = new AudioWorkletNode(context, 'callwire-playout', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { sourceRate: reply.sampleRate, prebufferMs: PREBUFFER_MS } });
    // The capture node only runs while the graph pulls it: through a muted gain to the speakers.
    const mute = new GainNode(context, { gain: 0 });
    context.createMediaStreamSource(microphone).connect(capture).connect(mute).connect(context.destination);
    playout.connect(context.destination);
    await context.resume();
    setStatus('connecting', `Calling ${agent.serviceHost}…`);
    const id = randomHex(16);
    active = new ActiveCall(agent, { streamId: `try-stream-${id}`, callControlId: `try-${id}`, encoding, sampleRate }, token, context, microphone, capture, playout);
  } catch (error) {
    setCalling(false);
    setStatus('failed', `Could not start the call: ${(error as Error).message}`);
  }
}

async function loadAgents(): Promise<void> {
  const reply = await fetch('/try/agents', { cache: 'no-store' });
  agents = ((await reply.json()) as { agents: AgentEntry[] }).agents;
  for (const agent of agents) {
    const option = document.createElement('option');
    option.value = agent.serviceHost;
    option.textContent = `${agent.serviceHost} (${agent.bot}${agent.needsToken ? ', needs a token' : ''})`;
    agentSelect.append(option);
  }
  showTokenRow();
  setStatus('idle', agents.length === 0 ? 'The engine has no agents.' : 'Pick an agent and press Call.');
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void startCall();
});
hangupButton.addEventListener('click', () => active?.hangUp());
agentSelect.addEventListener('change', showTokenRow);
for (const key of keys) key.addEventListener('click', () => active?.press(key.dataset['key'] ?? ''));
// During a call the keyboard's digits, * and # are the keypad, unless typing in a field.
document.addEventListener('keydown', (event) => {
  if (active === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (/^[0-9*#]$/.test(event.key)) active.press(event.key);
});
loadAgents().catch((error: unknown) => setStatus('failed', `Could not list the agents: ${(error as Error).message}`));

/** Shows the agent's conversation; rebuilt only when it changed, so a screen reader hears each turn once. */
function showTranscript(lines: readonly TranscriptLine[]): void {
  const list = document.getElementById('transcript');
  const section = document.getElementById('transcript-section');
  if (list === null || section === null || lines.length === 0) return;
  const key = JSON.stringify(lines);
  if (list.dataset['key'] === key) return;
  list.dataset['key'] = key;
  section.hidden = false;
  list.replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      const role = document.createElement('span');
      role.className = 'role';
      role.textContent = line.role === 'user' ? 'You: ' : 'Agent: ';
      const text = document.createElement('span');
      text.textContent = line.text;
      if (line.interrupted) text.className = 'cut';
      item.append(role, text);
      return item;
    }),
  );
}
