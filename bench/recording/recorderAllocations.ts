/**
 * What CallRecorder's per-tick calls allocate, and what they cost next to a bare copy. Run:
 * `node --expose-gc --import tsx bench/recording/recorderAllocations.ts`
 *
 * The baseline copies the same 8 kHz frame into every other sample of a preallocated buffer, which
 * is what the hot path does at the least. Exits 1 when `caller()` or `bot()` allocates 4 bytes or
 * more per call (one object per call would be at least 16).
 */
import { Bench } from 'tinybench';
import { ManualClock } from '../../engine/clock.js';
import { CallRecorder } from '../../engine/recording/callRecorder.js';
import type { RecordingFile } from '../../engine/recording/recordingFile.js';
import { RecordingBlockPool } from '../../engine/recording/recordingBlockPool.js';
import { measureAllocations, type AllocationReport } from '../support/allocations.js';

/** The engine's default bot rate. */
const SAMPLE_RATE = 8000;
const FRAME = SAMPLE_RATE / 50;
const ITERATIONS = 100_000;
const WARMUP = 20_000;
/** Bot audio plays this many ticks after it is sent, as with the default outbound lead. */
const BOT_AHEAD_TICKS = 3;
const ROUNDS = 3;

/** Accepts every write and keeps nothing. */
const nullFile: RecordingFile = {
  writev: async (buffers) => ({ bytesWritten: buffers.reduce((sum, buffer) => sum + buffer.length, 0) }),
  write: async (_buffer, _offset, length) => ({ bytesWritten: length }),
  close: async () => undefined,
};

/**
 * A recorder whose timer never fires (manual clock) and whose window holds every tick of the run, so
 * each call takes the accepting path, and whose pool already holds every block it will take.
 */
function bufferingRecorder(pool: RecordingBlockPool): CallRecorder {
  return new CallRecorder('/dev/null', {
    sampleRate: SAMPLE_RATE,
    clock: new ManualClock(),
    pool,
    maxBufferedMs: (ITERATIONS + WARMUP + BOT_AHEAD_TICKS + 100) * 20,
    openFile: async () => nullFile,
  });
}

function warmPool(): RecordingBlockPool {
  const pool = new RecordingBlockPool(undefined, Number.MAX_SAFE_INTEGER);
  const ticksPerBlock = Math.floor(pool.blockSamples / (FRAME * 2));
  const blocks = Math.ceil((ITERATIONS + WARMUP + BOT_AHEAD_TICKS) / ticksPerBlock) + 2;
  const taken: Int16Array[] = [];
  for (let i = 0; i < blocks; i++) taken.push(pool.take());
  for (const block of taken) pool.give(block);
  return pool;
}

function row(name: string, report: AllocationReport): string {
  return `| ${name} | ${report.heapBytesPerOp.toFixed(3)} | ${report.arrayBufferBytesPerOp.toFixed(3)} | ${report.collections} |`;
}

const frame = Int16Array.from({ length: FRAME }, (_, i) => (i * 37) % 2000);
const interleaved = new Int16Array(FRAME * 2 * 64);
let slot = 0;
const copyStrided = (): void => {
  const at = (slot = (slot + 1) & 63) * FRAME * 2;
  for (let i = 0; i < FRAME; i++) interleaved[at + 2 * i] = frame[i]!;
};
const baseline = measureAllocations(copyStrided, ITERATIONS, WARMUP);

const pool = warmPool();
const allocatedBefore = pool.allocated;
let leftOut = 0;

/**
 * Measures `call` on a fresh recorder in each of {@link ROUNDS} rounds and keeps the least: a real
 * per-call allocation shows in every round, a one-off (the JIT compiling the method mid-run) in one.
 */
async function leastOfRounds(call: (recorder: CallRecorder, tick: number) => void): Promise<AllocationReport> {
  let least: AllocationReport | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const recorder = bufferingRecorder(pool);
    let tick = 0;
    const report = measureAllocations(() => call(recorder, tick++), ITERATIONS, WARMUP);
    leftOut += recorder.stats.droppedFrames + recorder.stats.lateFrames;
    await recorder.close();
    if (least === undefined || report.heapBytesPerOp < least.heapBytesPerOp) least = report;
  }
  return least!;
}

const callerReport = await leastOfRounds((recorder, tick) => recorder.caller(tick, frame, FRAME));
const botReport = await leastOfRounds((recorder, tick) => recorder.bot(tick + BOT_AHEAD_TICKS, frame, FRAME));

console.log(`${ITERATIONS} calls each after ${WARMUP} warm-up calls, least of ${ROUNDS} rounds (baseline: one); ${SAMPLE_RATE} Hz, ${FRAME}-sample frames`);
console.log('| operation | heap B/op | ArrayBuffer B/op | GCs |');
console.log('| --- | --- | --- | --- |');
console.log(row('baseline: strided copy of the frame', baseline));
console.log(row('CallRecorder.caller', callerReport));
console.log(row(`CallRecorder.bot (${BOT_AHEAD_TICKS} ticks ahead)`, botReport));

// Time: ticks cycle inside the first block, so the window never fills and nothing is flushed.
const timedRecorder = bufferingRecorder(new RecordingBlockPool());
let timedTick = 0;
const bench = new Bench({ time: 500, warmup: true });
bench.add('baseline: strided copy', copyStrided);
bench.add('CallRecorder.caller', () => timedRecorder.caller((timedTick = (timedTick + 1) % 20), frame, FRAME));
await bench.run();
await timedRecorder.close();
const [base, ours] = bench.tasks.map((task) => (task.result.state === 'completed' ? task.result.latency.mean * 1e6 : Number.NaN));
console.log(`\ntime per call: baseline ${base?.toFixed(0)} ns, caller() ${ours?.toFixed(0)} ns, ratio ${((ours ?? Number.NaN) / (base ?? Number.NaN)).toFixed(2)}`);

if (leftOut > 0 || pool.allocated !== allocatedBefore) throw new Error('the workload left frames out or allocated blocks: the measurement is not of the steady hot path');
if (callerReport.heapBytesPerOp >= 4 || botReport.heapBytesPerOp >= 4) {
  console.error('CallRecorder allocates per frame');
  process.exitCode = 1;
}
