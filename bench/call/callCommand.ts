import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readWav } from '../../bots/wav/readWav.js';
import { writeWav } from '../../bots/wav/writeWav.js';
import { TelnyxMediaClient } from '../telnyx/mediaClient.js';
import { AudibleMessages, heardAudio, spurtsOf, type Spurt } from './botAudio.js';
import { callerFrames, type CallerFormat } from './callerAudio.js';
import { DtmfScheduleError, parseDtmfSchedule, type ScheduledKey } from './dtmfSchedule.js';
import { CALL_USAGE } from './usage.js';

/** Where `callwire call` writes; injectable for tests. */
export interface CallOutputStreams {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STDIO: CallOutputStreams = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) };

const CODECS: Readonly<Record<string, CallerFormat>> = {
  PCMU: { encoding: 'PCMU', sampleRate: 8000 },
  PCMA: { encoding: 'PCMA', sampleRate: 8000 },
  L16: { encoding: 'L16', sampleRate: 16000 },
};

/** `callwire call AGENT.ORG --wav IN.wav …`; resolves to the exit code. */
export async function runCallCommand(argv: string[], io: CallOutputStreams = STDIO): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      wav: { type: 'string' },
      out: { type: 'string' },
      dtmf: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      codec: { type: 'string' },
      param: { type: 'string', multiple: true },
      tail: { type: 'string' },
      'max-seconds': { type: 'string' },
    },
  });
  const usageError = (message: string): number => {
    io.err(`callwire: ${message}\n\n${CALL_USAGE}\n`);
    return 2;
  };
  if (positionals.length !== 1 || !positionals[0]!.includes('.')) return usageError('name the agent as AGENT.ORG, e.g. callwire call echo.default --wav hello.wav');
  if (values.wav === undefined) return usageError('--wav IN.wav is required: it is what the caller says');
  const format = CODECS[(values.codec ?? 'PCMU').toUpperCase()];
  if (format === undefined) return usageError(`--codec must be one of ${Object.keys(CODECS).join(', ')}`);
  let keys: ScheduledKey[];
  try {
    keys = parseDtmfSchedule(values.dtmf ?? '');
  } catch (error) {
    if (error instanceof DtmfScheduleError) return usageError(error.message);
    throw error;
  }
  const tailMs = Number(values.tail ?? 2000);
  const maxMs = Number(values['max-seconds'] ?? 600) * 1000;
  if (!(tailMs >= 0) || !(maxMs > 0)) return usageError('--tail and --max-seconds must be positive numbers');
  const parameters: Record<string, string> = {};
  for (const entry of values.param ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) return usageError(`--param must be NAME=VALUE, got "${entry}"`);
    parameters[entry.slice(0, equals)] = entry.slice(equals + 1);
  }

  let frames: Uint8Array[];
  try {
    frames = callerFrames(readWav(await readFile(values.wav)), format);
  } catch (error) {
    io.err(`callwire: cannot use ${values.wav} as the caller: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const url = streamUrl(values.url ?? `ws://127.0.0.1:${process.env['CALLWIRE_PORT'] ?? 8080}`, positionals[0]!);
  return placeCall({ url, frames, format, keys, tailMs, maxMs, token: values.token, parameters, outPath: values.out }, io);
}

/** `base` (an engine address, or a full stream URL) with the agent as `serviceHost`. */
export function streamUrl(base: string, serviceHost: string): string {
  const url = new URL(base.replace(/^http/, 'ws'));
  if (!url.pathname.endsWith('/ws/telnyx')) url.pathname = `${url.pathname.replace(/\/$/, '')}/ws/telnyx`;
  url.searchParams.set('serviceHost', serviceHost);
  return url.toString();
}

interface CallPlan {
  readonly url: string;
  readonly frames: readonly Uint8Array[];
  readonly format: CallerFormat;
  readonly keys: readonly ScheduledKey[];
  readonly tailMs: number;
  readonly maxMs: number;
  readonly token: string | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  readonly outPath: string | undefined;
}

async function placeCall(plan: CallPlan, io: CallOutputStreams): Promise<number> {
  const timeline: { atMs: number; what: string }[] = [];
  let startedAt = Number.NaN;
  const note = (what: string, at = performance.now()): void => void timeline.push({ atMs: at - startedAt, what });
  let firstMediaSeen = false;
  let marks = 0;
  let client: TelnyxMediaClient;
  try {
    client = await TelnyxMediaClient.connect(plan.url, {
      call: { encoding: plan.format.encoding, sampleRate: plan.format.sampleRate, customParameters: plan.parameters },
      outboundBytesPerMs: plan.format.encoding === 'L16' ? plan.format.sampleRate / 500 : 8,
      handshakeTimeoutMs: 10_000,
      observer: {
        received: (data, _binary, at) => {
          const text = data.toString('utf8', 0, 64);
          if (text.includes('"media"')) {
            if (!firstMediaSeen) note('bot audio starts', at);
            firstMediaSeen = true;
          } else if (text.includes('"clear"')) note('clear: the bot cut its queued audio', at);
        },
        markEchoed: (name, at, byClear) => {
          marks++;
          note(`mark "${name}" ${byClear ? 'flushed by a clear' : 'played'}`, at);
        },
      },
    });
  } catch (error) {
    io.err(`callwire: ${connectProblem(error, plan.url)}\n`);
    return 1;
  }
  const redacted = new URL(plan.url);
  io.out(`calling ${redacted.searchParams.get('serviceHost')} at ${redacted.origin}${redacted.pathname} (${plan.format.encoding} ${plan.format.sampleRate / 1000} kHz, ${(plan.frames.length / 50).toFixed(1)} s of caller audio)\n`);

  startedAt = performance.now();
  client.begin(plan.token);
  note('start sent');
  const keyTimers = plan.keys.map((key) =>
    setTimeout(() => {
      if (!client.open) return;
      client.sendDtmf(key.digit);
      note(`key ${key.digit} pressed`);
    }, key.atMs),
  );
  const giveUp = setTimeout(() => client.open && client.sendStop(), plan.maxMs);
  let closedBy: 'callwire' | 'caller' = 'callwire';
  const closed = client.closed;
  await Promise.race([closed, client.streamMedia(plan.frames).catch(() => undefined)]);
  // After the caller's audio and keys, wait for the bot to finish speaking (quiet for tailMs) or to end the call.
  const lastKeyAt = startedAt + (plan.keys.at(-1)?.atMs ?? 0);
  // A bot may stream silence (the echo does): only audible messages count as speaking.
  const listener = new AudibleMessages(plan.format);
  let lastAudibleAt = startedAt;
  let checked = 0;
  while (client.open) {
    for (; checked < client.media.length; checked++) {
      const message = client.media[checked]!;
      if (listener.audible(message.payload)) lastAudibleAt = message.at;
    }
    const quietSince = Math.max(lastAudibleAt, lastKeyAt, startedAt + plan.frames.length * 20);
    if (performance.now() - quietSince >= plan.tailMs) break;
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  listener.close();
  if (client.open) {
    closedBy = 'caller';
    note('caller hangs up (stop sent)');
    client.sendStop();
  }
  const close = await closed;
  note(`stream closed: ${close.code}${close.reason === '' ? '' : ` ${close.reason}`}`);
  for (const timer of keyTimers) clearTimeout(timer);
  clearTimeout(giveUp);
  const refusal = refusalHint(close.code, redacted.searchParams.get('serviceHost') ?? '');
  if (refusal !== undefined) {
    io.err(`callwire: the engine refused the stream (${close.code} ${close.reason}): ${refusal}\n`);
    return 1;
  }

  const heard = heardAudio(client.media, startedAt, plan.format);
  const callerSpurts = spurtsOf(callerPcm(plan), plan.format.sampleRate);
  const botSpurts = spurtsOf(heard.samples, heard.sampleRate);
  timeline.sort((a, b) => a.atMs - b.atMs);
  for (const entry of timeline) io.out(`  ${(entry.atMs / 1000).toFixed(2).padStart(7)} s  ${entry.what}\n`);
  const replies = replyDelays(callerSpurts, botSpurts);
  io.out(
    [
      `ended: ${close.reason === '' ? `close code ${close.code}` : close.reason}${closedBy === 'caller' ? ' (the caller hung up after the bot went quiet)' : ' (callwire ended the call)'}`,
      `bot audio: ${(heard.samples.length / heard.sampleRate).toFixed(1)} s in ${client.media.length} messages; ${marks} marks, ${client.clears} clears; gaps the caller heard: ${client.playoutGaps().filter((gap) => gap >= 20).length}`,
      botSpurts.length === 0 ? 'the bot said nothing audible' : `bot first heard at ${Math.round(botSpurts[0]!.startMs)} ms`,
      replies.length === 0 ? undefined : `bot replies began ${replies.map((delay) => `${Math.round(delay)} ms`).join(', ')} after the caller stopped speaking`,
      client.violations.length === 0 ? undefined : `frames Telnyx would refuse: ${client.violations.length} (first: ${client.violations[0]})`,
    ]
      .filter((line) => line !== undefined)
      .join('\n') + '\n',
  );
  if (plan.outPath !== undefined) {
    await writeFile(plan.outPath, writeWav(heard.samples, heard.sampleRate));
    io.out(`wrote what the bot said to ${plan.outPath}\n`);
  }
  return 0;
}

function callerPcm(plan: CallPlan): Int16Array {
  const pcm = heardAudio(
    plan.frames.map((payload, index) => ({ at: index * 20, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) })),
    0,
    plan.format,
  );
  return pcm.samples;
}

/** For each time the caller stopped speaking, how long until the bot's next sound (if it came before the caller spoke again). */
export function replyDelays(caller: readonly Spurt[], bot: readonly Spurt[]): number[] {
  const delays: number[] = [];
  caller.forEach((spurt, index) => {
    const nextCallerStart = caller[index + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    const reply = bot.find((candidate) => candidate.startMs >= spurt.endMs && candidate.startMs < nextCallerStart);
    if (reply !== undefined) delays.push(reply.startMs - spurt.endMs);
  });
  return delays;
}

/** What a refusal close code means for the person calling, or undefined for a call that ran. */
function refusalHint(code: number, serviceHost: string): string | undefined {
  switch (code) {
    case 4404:
      return `there is no agent ${serviceHost}; list them with callwire agents list`;
    case 4400:
      return 'name the agent as AGENT.ORG';
    case 4401:
      return 'the agent needs its stream auth token: pass --token';
    default:
      return undefined;
  }
}

function connectProblem(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const origin = new URL(url).origin;
  if (/ECONNREFUSED/.test(message) || (error as { code?: string }).code === 'ECONNREFUSED') return `nothing is listening at ${origin}: start the engine (callwire serve) or pass --url`;
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  if (status === '404') return `callwire at ${origin} has no such agent (${new URL(url).searchParams.get('serviceHost')}); list them with callwire agents list`;
  if (status === '401' || status === '403') return `callwire at ${origin} refused the stream: the agent needs its stream auth token (--token)`;
  if (status === '503') return `callwire at ${origin} is not taking calls right now (draining or at capacity)`;
  return `cannot open a media stream to ${url}: ${message}`;
}
