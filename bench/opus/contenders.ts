/**
 * What bench/opus/compare.ts measures at one rate: per-20 ms-frame Opus encode and decode through
 * callwire's coders (decoding libopus directly, and over the addon's wrapper as the fallback does),
 * the bare addon, and `opusscript` (libopus in WASM),
 * plus the same-run baseline, PCMU encode of the same frame. Inputs are built here, outside the
 * timed region; each op consumes the next prebuilt frame or packet, cycling.
 */
import OpusScript from 'opusscript';
import { voiced } from '../../codecs/opus/fixtures/signals.js';
import { carriesInbandFec } from '../../codecs/opus/inbandFec.js';
import { loadOpusNative } from '../../codecs/opus/native.js';
import { OpusFrameDecoder } from '../../codecs/opus/opusFrameDecoder.js';
import { OpusFrameEncoder, defaultOpusBitrate } from '../../codecs/opus/opusFrameEncoder.js';
import { mulawEncodeInto } from '../../codecs/pcmu.js';

/** One measured operation: one 20 ms frame's worth of work. */
export interface Contender {
  readonly label: string;
  readonly op: () => unknown;
}

/** The contenders at one rate; `baseline` is what every ratio divides by. */
export interface RateContenders {
  readonly sampleRate: number;
  readonly baseline: Contender;
  readonly encode: readonly Contender[];
  readonly decode: readonly Contender[];
}

/** Frames of input cycled through: 1 s of a voice-like signal. */
const FRAMES = 50;
/** opusscript's CommonJS export has no ESM default in its typings; its `.Application` is the enum. */
const VOIP = OpusScript.Application.VOIP;
/** libopus SET requests used to give opusscript the same settings as OpusFrameEncoder. */
const CTL = { complexity: 4010, inbandFec: 4012, lossPercent: 4014 } as const;

/** Cycles through `items`, one per call. */
function cycle<T>(items: readonly T[]): () => T {
  let index = -1;
  return () => {
    index = index + 1 === items.length ? 0 : index + 1;
    return items[index]!;
  };
}

/** Builds the contenders at `sampleRate`. Call it once, discard, and call again (see compare.ts). */
export function contendersAt(sampleRate: number): RateContenders {
  const frame = sampleRate / 50;
  const signal = voiced(sampleRate, frame * FRAMES);
  const frames: Int16Array[] = [];
  for (let f = 0; f < FRAMES; f++) frames.push(signal.slice(f * frame, (f + 1) * frame));
  const pcmBuffers = frames.map((pcm) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));

  // Packets from callwire's default encoder, used by every decoder.
  const packets: Buffer[] = [];
  const packetOut = new Uint8Array(1500);
  const reference = new OpusFrameEncoder({ sampleRate });
  for (const pcm of frames) packets.push(Buffer.from(packetOut.subarray(0, reference.encode(pcm, 0, frame, packetOut))));
  reference.close();
  // The engine's media parser hands the decoder a reused buffer plus a length.
  const reused = Buffer.alloc(8192);

  const ulaw = new Uint8Array(frame);
  const nextFrame = cycle(frames);
  const baseline: Contender = { label: 'PCMU encode (baseline)', op: () => mulawEncodeInto(nextFrame(), 0, frame, ulaw) };

  const out = new Uint8Array(1500);
  const encoderAt = (complexity: number): Contender => {
    const encoder = new OpusFrameEncoder({ sampleRate, complexity });
    const next = cycle(frames);
    return { label: `callwire OpusFrameEncoder cx${complexity}`, op: () => encoder.encode(next(), 0, frame, out) };
  };
  const script = new OpusScript(sampleRate as 8000 | 16000 | 48000, 1, VOIP);
  script.setBitrate(defaultOpusBitrate(sampleRate));
  script.encoderCTL(CTL.complexity, 5);
  script.encoderCTL(CTL.inbandFec, 1);
  script.encoderCTL(CTL.lossPercent, 10);
  const nextPcmBuffer = cycle(pcmBuffers);
  const encode: Contender[] = [
    encoderAt(5),
    encoderAt(9),
    { label: 'opusscript encode cx5', op: () => script.encode(nextPcmBuffer(), frame) },
  ];

  const pcm = new Int16Array(frame);
  const viaReused = new OpusFrameDecoder({ sampleRate });
  const nextForReused = cycle(packets);
  const exact = new OpusFrameDecoder({ sampleRate });
  const nextExact = cycle(packets);
  const Native = loadOpusNative();
  const bare = new Native(sampleRate, 1);
  const nextBare = cycle(packets);
  const scriptDecoder = new OpusScript(sampleRate as 8000 | 16000 | 48000, 1, VOIP);
  const nextScript = cycle(packets);
  const wrapped = new OpusFrameDecoder({ sampleRate, native: Native });
  const nextWrapped = cycle(packets);
  const concealing = new OpusFrameDecoder({ sampleRate });
  const nextConcealing = cycle(packets);
  // Each lost packet k whose successor carries LBRR: decode k - 1, then rebuild k from k + 1.
  const recoverable: (readonly [Buffer, Buffer])[] = [];
  for (let k = 1; k + 1 < packets.length; k++) {
    if (carriesInbandFec(packets[k + 1]!, packets[k + 1]!.length)) recoverable.push([packets[k - 1]!, packets[k + 1]!]);
  }
  const recovering = new OpusFrameDecoder({ sampleRate });
  const nextRecoverable = cycle(recoverable);
  const addonPlc = new Native(sampleRate, 1);
  const nextAddonPlc = cycle(packets);
  const empty = new Uint8Array(0);
  const decode: Contender[] = [
    {
      label: 'callwire OpusFrameDecoder, reused payload buffer',
      op: () => {
        const packet = nextForReused();
        reused.set(packet);
        return viaReused.decode(reused, packet.length, pcm);
      },
    },
    {
      label: 'callwire OpusFrameDecoder, exact payload',
      op: () => {
        const packet = nextExact();
        return exact.decode(packet, packet.length, pcm);
      },
    },
    {
      label: 'callwire OpusFrameDecoder over the addon wrapper (fallback)',
      op: () => {
        const packet = nextWrapped();
        return wrapped.decode(packet, packet.length, pcm);
      },
    },
    { label: '@discordjs/opus decode, bare', op: () => bare.decode(nextBare()) },
    { label: 'opusscript decode', op: () => scriptDecoder.decode(nextScript()) },
    {
      label: 'callwire decode + concealLoss 20 ms',
      op: () => {
        const packet = nextConcealing();
        concealing.decode(packet, packet.length, pcm);
        return concealing.concealLoss(pcm, frame);
      },
    },
    {
      label: 'callwire decode + recoverFromNext 20 ms (FEC)',
      op: () => {
        const [previous, next] = nextRecoverable();
        recovering.decode(previous, previous.length, pcm);
        return recovering.recoverFromNext(next, next.length, pcm, frame);
      },
    },
    {
      label: '@discordjs/opus decode + empty-packet PLC (5760 samples)',
      op: () => {
        addonPlc.decode(nextAddonPlc());
        return addonPlc.decode(empty);
      },
    },
  ];
  return { sampleRate, baseline, encode, decode };
}
