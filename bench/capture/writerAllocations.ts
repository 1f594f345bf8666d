/**
 * What CaptureWriter's per-frame calls allocate. Run:
 * `node --expose-gc --import tsx bench/capture/writerAllocations.ts`
 *
 * The baseline is `Buffer.copy` of the same frame into a preallocated buffer, which is what the
 * hot path does at the least.
 */
import { bufferingWriter, PCMU_MEDIA_FRAME, PCMU_OUTBOUND_FRAME } from './captureWriterWorkload.js';
import { measureAllocations } from '../support/allocations.js';

const ITERATIONS = 200_000;
const WARMUP = 20_000;
/** Times stay small integers (Smis), as a caller's `now()` differences would be within a call's first 17 minutes. */
const STEP_MICROS = 20_000;

function row(name: string, report: ReturnType<typeof measureAllocations>): string {
  return `| ${name} | ${report.heapBytesPerOp.toFixed(3)} | ${report.arrayBufferBytesPerOp.toFixed(3)} | ${report.collections} |`;
}

const target = Buffer.alloc(PCMU_MEDIA_FRAME.length);
measureAllocations(() => PCMU_MEDIA_FRAME.copy(target), WARMUP, WARMUP);
const baseline = measureAllocations(() => PCMU_MEDIA_FRAME.copy(target), ITERATIONS, WARMUP);

let t = 0;
const inbound = bufferingWriter(ITERATIONS + WARMUP, PCMU_MEDIA_FRAME.length);
const inboundReport = measureAllocations(() => inbound.inbound((t = (t + STEP_MICROS) % 1_000_000_000), PCMU_MEDIA_FRAME, false, true), ITERATIONS, WARMUP);

const outbound = bufferingWriter(ITERATIONS + WARMUP, Buffer.byteLength(PCMU_OUTBOUND_FRAME));
const outboundReport = measureAllocations(() => outbound.outbound((t = (t + STEP_MICROS) % 1_000_000_000), PCMU_OUTBOUND_FRAME), ITERATIONS, WARMUP);

console.log(`${ITERATIONS} calls each, after ${WARMUP} warm-up calls; frame ${PCMU_MEDIA_FRAME.length} B in, ${PCMU_OUTBOUND_FRAME.length} B out`);
console.log('| operation | heap B/op | ArrayBuffer B/op | GCs |');
console.log('| --- | --- | --- | --- |');
console.log(row('baseline: Buffer.copy of the frame', baseline));
console.log(row('CaptureWriter.inbound (PCMU media frame)', inboundReport));
console.log(row('CaptureWriter.outbound (60 ms PCMU message)', outboundReport));
if (inbound.stats.dropped.events + outbound.stats.dropped.events > 0) throw new Error('the workload dropped frames: the measurement is of the drop path');
// A regression check as well as a report: one allocation per frame would be at least 16 bytes.
if (inboundReport.heapBytesPerOp >= 4 || outboundReport.heapBytesPerOp >= 4) {
  console.error('CaptureWriter allocates per frame');
  process.exitCode = 1;
}
