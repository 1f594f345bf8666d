/**
 * Jitter buffer benchmark: reorder + playout per 20 ms PCMU frame against a same-run baseline (the
 * plain decode stage the engine used before), timed with tinybench and measured for allocations.
 * Then the stage's behaviour on a few simulated traces (added delay, concealment, corrections).
 * Prints Markdown; exits 1 if the stage's output differs from the baseline's on a clean stream or if
 * the stage allocates per frame.
 *
 * Run: `node --expose-gc --import tsx bench/jitter/playout.ts`
 */
import { availableParallelism } from 'node:os';
import { Bench } from 'tinybench';
import { DecodeStage } from '../../codecs/decodeStage.js';
import { packetTrace, pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import { playoutWorkload } from '../../codecs/jitter/fixtures/workload.js';
import { PlayoutStage } from '../../codecs/jitter/playoutStage.js';
import { ReorderStage } from '../../codecs/jitter/reorderStage.js';
import { simulateTrace, type TracePacket } from '../../codecs/jitter/simulateTrace.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { measureAllocations } from '../support/allocations.js';
import { cpuModel } from '../support/machine.js';
import { median } from '../support/quantiles.js';

const ROUNDS = 3;
const ALLOCATION_CALLS = 100_000;
/** Frames of distinct payloads cycled through by the per-frame contenders. */
const PAYLOADS = pcmuStream(64, (i) => i % 16 < 12);

interface Contender {
  readonly label: string;
  readonly note: string;
  /** A fresh instance of the per-frame operation (fresh state, so rounds do not share buffers). */
  readonly create: () => () => void;
}

/** The parser's reused packet, refilled per frame the way `TelnyxFrameParser` does. */
function feeder() {
  const packet = new MediaPacket(8192);
  let sequence = 0;
  return (): MediaPacket => {
    sequence++;
    packet.sequenceNumber = sequence;
    packet.chunk = sequence;
    packet.payload.set(PAYLOADS[sequence & 63]!);
    packet.length = 160;
    return packet;
  };
}

const contenders: readonly Contender[] = [
  {
    label: 'decode stage only (baseline)',
    note: 'payload copy + `DecodeStage.process`, no jitter buffer',
    create: () => {
      const next = feeder();
      const stage = new DecodeStage(new PcmuDecoder(), 160);
      return () => {
        stage.process(next());
      };
    },
  },
  {
    label: 'reorder + playout, clean stream',
    note: 'payload copy + `push` + `tick`, in order, on time',
    create: () => {
      const next = feeder();
      const stage = new PlayoutStage(new PcmuDecoder());
      let tickMs = 0;
      return () => {
        stage.push(next(), tickMs);
        stage.tick(tickMs + 5);
        tickMs += 20;
      };
    },
  },
  {
    label: 'reorder + playout, sender skips in the timestamp',
    note: 'as the clean stream, but the sender skips every 20th frame: contiguous `sequence_number`, `media.timestamp` (8 kHz, above 2^31) jumps',
    create: () => {
      const packet = new MediaPacket(8192);
      const stage = new PlayoutStage(new PcmuDecoder());
      let frame = 0;
      let sequence = 0;
      let tickMs = 0;
      return () => {
        if (frame % 20 !== 19) {
          sequence++;
          packet.sequenceNumber = sequence;
          packet.chunk = sequence;
          packet.timestamp = (3_000_000_000 + frame * 160) % 4294967296;
          packet.payload.set(PAYLOADS[frame & 63]!);
          packet.length = 160;
          stage.push(packet, tickMs);
        }
        stage.tick(tickMs + 5);
        tickMs += 20;
        frame++;
      };
    },
  },
  {
    label: 'reorder + playout, impaired stream',
    note: '2 % loss, 3 % reordered, 1 % duplicates, 4 ms jitter, 200 ms stall every 10 s',
    create: () => {
      const { workload } = playoutWorkload();
      return () => workload.step();
    },
  },
  {
    label: 'reorder stage alone',
    note: 'payload copy + `push` + `pop` (stand-alone reordering)',
    create: () => {
      const next = feeder();
      const stage = new ReorderStage();
      let nowMs = 0;
      return () => {
        stage.push(next(), nowMs);
        stage.pop(nowMs, 60);
        nowMs += 20;
      };
    },
  },
];


/** Checks the playout path plays a clean stream exactly as the plain decode stage decodes it. */
function verify(): void {
  const decodeNext = feeder();
  const playoutNext = feeder();
  const decoder = new DecodeStage(new PcmuDecoder(), 160);
  const stage = new PlayoutStage(new PcmuDecoder());
  for (let i = 0; i < 500; i++) {
    const expected = decoder.process(decodeNext());
    stage.push(playoutNext(), i * 20);
    const frame = stage.tick(i * 20 + 5);
    if (frame.kind !== 'speech' || frame.sequenceNumber !== expected.sequenceNumber) {
      throw new Error(`frame ${i}: ${frame.kind} ${frame.sequenceNumber}, baseline ${expected.sequenceNumber}`);
    }
    for (let s = 0; s < 160; s++) {
      if (frame.samples[s] !== expected.samples[s]) throw new Error(`frame ${i} sample ${s} differs from the baseline`);
    }
  }
}

/** Mean ns per call of each contender, one tinybench run (each task batches 1,000 calls). */
async function timeRound(): Promise<number[]> {
  const batch = 1000;
  const bench = new Bench({
    time: 700,
    warmupTime: 200,
    timestampProvider: 'hrtimeNow',
    throws: true,
    setup: () => (globalThis as { gc?: () => void }).gc?.(),
  });
  for (const contender of contenders) {
    const op = contender.create();
    bench.add(contender.label, () => {
      for (let i = 0; i < batch; i++) op();
    });
  }
  await bench.run();
  return contenders.map((contender) => {
    const result = bench.getTask(contender.label)?.result;
    if (result === undefined || result.state !== 'completed') throw new Error(`${contender.label}: not completed`);
    return (result.latency.mean * 1e6) / batch;
  });
}

/** Heap bytes per call over ROUNDS measured runs, after a throwaway one (see the allocation test). */
function allocations(contender: Contender): { best: number; median: number; arrayBuffers: number } {
  const op = contender.create();
  measureAllocations(op, 20_000, 20_000);
  const runs = Array.from({ length: ROUNDS }, () => measureAllocations(op, ALLOCATION_CALLS, 20_000));
  const heap = runs.map((run) => run.heapBytesPerOp);
  return { best: Math.min(...heap), median: median(heap), arrayBuffers: Math.max(...runs.map((run) => run.arrayBufferBytesPerOp)) };
}

/** The behaviour table: canned traces through `simulateTrace`. */
function behaviour(): string[] {
  const minute = pcmuStream(3000, (i) => Math.floor(i / 60) % 3 !== 2);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const traces: [string, TracePacket[]][] = [
    ['clean, in order', packetTrace(minute, { startMs: 3 })],
    ['jitter 0–40 ms uniform', packetTrace(minute, { startMs: 3, delayMs: () => random() * 40 })],
    ['2 % loss + 3 % reordered by 30 ms', packetTrace(minute, { startMs: 3, delayMs: () => (random() < 0.03 ? 30 : 0) }).filter(() => random() >= 0.02)],
    ['300 ms stall every 15 s', packetTrace(minute, { startMs: 3, delayMs: (i) => (i % 750 < 15 ? (15 - (i % 750)) * 20 : 0) })],
    ['sender 0.5 % fast', packetTrace(minute, { startMs: 3, periodMs: 19.9 })],
    ['sender 0.5 % slow', packetTrace(minute, { startMs: 3, periodMs: 20.1 })],
  ];
  const lines = [
    '| trace (60 s, 2 s speech / 1 s pause) | added delay mean / p95 | final target | concealed | lost | late | underruns | dropped / inserted in silence | time-stretching cut / added | overflow drops |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, trace] of traces) {
    const { stats } = simulateTrace(trace, { decoder: new PcmuDecoder(), startMs: 0, endMs: trace.reduce((m, p) => Math.max(m, p.arrivalMs), 0) });
    lines.push(
      `| ${name} | ${stats.addedDelayMeanMs.toFixed(1)} / ${stats.addedDelayP95Ms} ms | ${stats.targetDelayMs.toFixed(0)} ms | ${stats.concealedFrames} | ${stats.lost} | ${stats.late} | ${stats.underruns} | ${stats.driftDropped} / ${stats.driftInserted} | ${stats.acceleratedMs.toFixed(0)} / ${stats.expandedMs.toFixed(0)} ms | ${stats.overflowDropped} |`,
    );
  }
  return lines;
}

if ((globalThis as { gc?: unknown }).gc === undefined) process.stderr.write('warning: run with --expose-gc for clean allocation figures\n');
verify();
const rounds: number[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`timing round ${round + 1}/${ROUNDS}\n`);
  rounds.push(await timeRound());
}
const nsMedian = contenders.map((_, i) => median(rounds.map((round) => round[i]!)));
const ratioMedian = contenders.map((_, i) => median(rounds.map((round) => round[i]! / round[0]!)));
const allocation = contenders.map(allocations);

const lines = [
  `Machine: ${availableParallelism()} CPUs (nproc), ${cpuModel()}, Node ${process.version}, ${process.platform}/${process.arch}.`,
  '',
  `| path | what one call does | ns/frame (median of ${ROUNDS}) | per call-second (50 frames) | heap B/frame best / median of ${ROUNDS} | ArrayBuffer B/frame | time / baseline (median of per-round ratios) |`,
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
];
contenders.forEach((contender, i) => {
  const ns = nsMedian[i]!;
  const alloc = allocation[i]!;
  const ratio = i === 0 ? 'baseline' : `**${ratioMedian[i]!.toFixed(2)}**`;
  lines.push(
    `| ${contender.label} | ${contender.note} | ${ns.toFixed(0)} | ${((ns * 50) / 1000).toFixed(1)} µs | ${alloc.best.toFixed(2)} / ${alloc.median.toFixed(2)} | ${alloc.arrayBuffers.toFixed(0)} | ${ratio} |`,
  );
});
lines.push('', ...behaviour());
process.stdout.write(`${lines.join('\n')}\n`);

const failures = contenders.slice(1).filter((_, i) => allocation[i + 1]!.best >= 2);
for (const failure of failures) process.stderr.write(`FAIL ${failure.label} allocates per frame\n`);
if (failures.length > 0) process.exitCode = 1;
