/**
 * How the inbound delay of a call recovers after the path from Telnyx stalls, measured from
 * Telnyx's side: the simulated Telnyx sends recorded speech (PCMU) to an agent that mirrors every
 * frame at once, holds its frames back for a while (a TCP stall) and then sends them in one burst,
 * or sends one frame late; it locates every returned frame in what it sent, so it knows the
 * mouth-to-ear delay of each, and prints how far the delay rose and how soon it came back.
 *
 * Run: `npx tsx bench/telnyx/stallRecovery.ts` (about 35 s; the cases run as concurrent calls).
 */
import { echoBot } from '../../bots/echo.js';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';
import { buildAgent } from '../../engine/agent.js';
import { startBenchEngine } from './benchEngine.js';
import { loadSpeech } from '../fixtures/fixtureAudio.js';
import { locateEchoedFrames } from './echoDelayTrack.js';
import { TelnyxMediaClient } from './mediaClient.js';
import { playedPcmuFrames } from './playedFrames.js';
import { median, quantileOfSorted } from '../support/quantiles.js';

const FRAME = 160;
/** Frames quieter than this peak are not placed: line noise alone is too alike. */
const MIN_PEAK = 200;
const CALL_MS = 28_000;
const IMPAIR_AT_MS = 6_000;

/** One way to disturb the inbound path at {@link IMPAIR_AT_MS}. */
interface Impairment {
  readonly label: string;
  /** Frames sent in the window `[IMPAIR_AT_MS, IMPAIR_AT_MS + holdMs)` go out together at its end. */
  readonly holdMs: number;
  /** Only the first frame of the window is held (one late frame), not all of it. */
  readonly onlyFirst: boolean;
  /**
   * Share of frames lost before Telnyx for the whole call: never sent, while `sequence_number` and
   * `chunk` stay contiguous and only `media.timestamp` skips, as when the carrier's side lost them.
   */
  readonly lostBeforeTelnyx?: number;
}

const IMPAIRMENTS: readonly Impairment[] = [
  { label: 'one frame 30 ms late', holdMs: 30, onlyFirst: true },
  { label: 'stall 120 ms', holdMs: 120, onlyFirst: false },
  { label: 'stall 250 ms', holdMs: 250, onlyFirst: false },
  { label: 'stall 400 ms', holdMs: 400, onlyFirst: false },
  { label: '5 % lost before Telnyx, only the timestamp skips', holdMs: 0, onlyFirst: false, lostBeforeTelnyx: 0.05 },
];

/** The caller's speech: the shipped recordings end to end with pauses and faint line noise, PCMU-encoded. */
function callerFrames(): Uint8Array[] {
  const names = ['demo-moreinfo', 'tt-allbusy', 'priv-introsaved', 'queue-periodic-announce'];
  const pause = new Int16Array(8000 * 0.6);
  const parts: Int16Array[] = [];
  for (const name of names) parts.push(loadSpeech(name, 8000), pause);
  const frames = Math.floor(CALL_MS / 20);
  const pcm = new Int16Array(frames * FRAME);
  let at = 0;
  while (at < pcm.length) {
    for (const part of parts) {
      const count = Math.min(part.length, pcm.length - at);
      pcm.set(part.subarray(0, count), at);
      at += count;
      if (at >= pcm.length) break;
    }
  }
  let seed = 7;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    pcm[i] = Math.max(-32768, Math.min(32767, pcm[i]! + ((seed >>> 16) % 49) - 24));
  }
  const out: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const bytes = new Uint8Array(FRAME);
    mulawEncodeInto(pcm, f * FRAME, FRAME, bytes);
    out.push(bytes);
  }
  return out;
}

/** Sends `frames` in real time, holding those the impairment delays; resolves after the last. */
async function sendImpaired(client: TelnyxMediaClient, frames: readonly Uint8Array[], impairment: Impairment, t0: number): Promise<void> {
  const holdFrom = IMPAIR_AT_MS / 20;
  const holdTo = holdFrom + Math.ceil(impairment.holdMs / 20);
  const sendAt = (k: number): number => {
    const held = impairment.onlyFirst ? k === holdFrom : k >= holdFrom && k < holdTo;
    return t0 + (held ? IMPAIR_AT_MS + impairment.holdMs : k * 20);
  };
  const lost = lostFrames(frames.length, impairment.lostBeforeTelnyx ?? 0);
  const order = frames.map((_, k) => k).filter((k) => !lost.has(k)).sort((a, b) => sendAt(a) - sendAt(b) || a - b);
  // Counters number the frames Telnyx got, in order; the timestamp keeps the media time.
  const counterOf = new Map(frames.map((_, k) => k).filter((k) => !lost.has(k)).map((k, n) => [k, n]));
  for (const k of order) {
    const wait = sendAt(k) - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!client.open) return;
    client.sendRaw(mediaText(client, counterOf.get(k)!, k, frames[k]!));
  }
}

/** A seeded `share` of the frames after the first second, as a set of frame indices. */
function lostFrames(count: number, share: number): Set<number> {
  const lost = new Set<number>();
  let seed = 99;
  for (let k = 50; k < count; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    if ((seed >>> 8) / 2 ** 24 < share) lost.add(k);
  }
  return lost;
}

/** A media frame: counters `n` (the n-th frame Telnyx got), media time of frame `k`. */
function mediaText(client: TelnyxMediaClient, n: number, k: number, payload: Uint8Array): string {
  return JSON.stringify({
    event: 'media',
    sequence_number: String(n + 2),
    stream_id: client.call.streamId,
    media: { track: 'inbound', chunk: String(n + 1), timestamp: String(k * FRAME), payload: Buffer.from(payload).toString('base64') },
  });
}

/** Mouth-to-ear delay of each located frame, by when its source was spoken. */
interface DelayPoint {
  readonly spokenAtMs: number;
  readonly delayMs: number;
}

/** What one call showed: the delay of every frame placed, and the loud frames that could not be placed. */
interface CaseResult {
  readonly points: readonly DelayPoint[];
  /** Returned frames with sound in them found nowhere in what was sent: concealment, cross-fades, splices. */
  readonly unplaced: number;
}

async function runCase(url: string, frames: readonly Uint8Array[], source: Int16Array, impairment: Impairment): Promise<CaseResult> {
  const client = await TelnyxMediaClient.connect(url);
  client.begin();
  const t0 = performance.now() + 40;
  await sendImpaired(client, frames, impairment, t0);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  client.sendStop();
  await client.closed;
  const { frames: returned, playedAtMs: playedAt } = playedPcmuFrames(client.media);
  const located = locateEchoedFrames(source, returned, playedAt, { frameSamples: FRAME, minPeak: MIN_PEAK });
  const loud = returned.filter((frame) => frame.some((sample) => Math.abs(sample) >= MIN_PEAK)).length;
  const points = located.map((frame) => {
    const spokenAtMs = frame.sourceSample / 8;
    return { spokenAtMs, delayMs: frame.arrivedAtMs - (t0 + spokenAtMs) };
  });
  return { points, unplaced: loud - located.length };
}

/** Spread of the delay over the call after its first 2 s: 5th and 95th percentiles of 500 ms medians. */
function delayRange(points: readonly DelayPoint[]): string {
  const levels: number[] = [];
  for (let from = 2_000; from + 500 <= CALL_MS; from += 500) {
    const level = delayIn(points, from, from + 500);
    if (!Number.isNaN(level)) levels.push(level);
  }
  levels.sort((a, b) => a - b);
  return `${quantileOfSorted(levels, 0.05).toFixed(0)}–${quantileOfSorted(levels, 0.95).toFixed(0)}`;
}

/** Median delay of the points spoken in `[fromMs, toMs)`. */
function delayIn(points: readonly DelayPoint[], fromMs: number, toMs: number): number {
  return median(points.filter((p) => p.spokenAtMs >= fromMs && p.spokenAtMs < toMs).map((p) => p.delayMs));
}

/**
 * Seconds after the impairment ended until the delay, in 500 ms windows of spoken time, is back
 * within 20 ms of its level before and stays there; NaN if it never is.
 */
function recoverySeconds(points: readonly DelayPoint[], before: number, endedAtMs: number): number {
  let recoveredAt = Number.NaN;
  for (let from = endedAtMs; from + 500 <= CALL_MS; from += 500) {
    const level = delayIn(points, from, from + 500);
    if (Number.isNaN(level)) continue;
    if (level <= before + 20) {
      if (Number.isNaN(recoveredAt)) recoveredAt = from;
    } else {
      recoveredAt = Number.NaN;
    }
  }
  return (recoveredAt - endedAtMs) / 1000;
}

const frames = callerFrames();
const source = new Int16Array(frames.length * FRAME);
for (let f = 0; f < frames.length; f++) mulawDecodeInto(frames[f]!, FRAME, source.subarray(f * FRAME));

const agent = buildAgent('bench', 'mirror', echoBot, 'echo', { options: { delayMs: 0 } });
const engine = await startBenchEngine([agent]);
const url = engine.url('mirror');
const results = await Promise.all(IMPAIRMENTS.map((impairment) => runCase(url, frames, source, impairment)));
await engine.close();

const rows = IMPAIRMENTS.map((impairment, i) => {
  const { points, unplaced } = results[i]!;
  const endedAt = IMPAIR_AT_MS + impairment.holdMs;
  const before = delayIn(points, IMPAIR_AT_MS - 3_000, IMPAIR_AT_MS);
  const peak = Math.max(...points.filter((p) => p.spokenAtMs >= IMPAIR_AT_MS).map((p) => p.delayMs));
  const at = (seconds: number): string => {
    const added = delayIn(points, endedAt + seconds * 1000, endedAt + seconds * 1000 + 1000) - before;
    return Number.isNaN(added) ? '–' : added.toFixed(0);
  };
  const recovery = recoverySeconds(points, before, endedAt);
  const recovered = Number.isNaN(recovery) ? 'never' : recovery.toFixed(1);
  return `| ${impairment.label} | ${before.toFixed(0)} | +${(peak - before).toFixed(0)} | ${at(1)} | ${at(3)} | ${at(10)} | ${at(18)} | ${recovered} | ${delayRange(points)} | ${points.length} | ${unplaced} |`;
});
process.stdout.write(
  [
    'Mouth-to-ear delay of a mirrored call (ms), from the simulated Telnyx side, after an inbound stall',
    '',
    '| impairment | before | peak added | added at +1 s | +3 s | +10 s | +18 s | back within 20 ms after (s) | delay p5–p95 over the call | frames placed | sounding frames not placed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
