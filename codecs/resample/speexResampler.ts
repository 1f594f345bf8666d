import { checkProcessArguments } from './checkProcessArguments.js';
import type { SpeexModule } from './speexModule.js';
import type { Resampler } from './types.js';

/** Input handled per wasm call: one 20 ms frame. Longer inputs are processed in chunks, so the wasm buffers stay frame-sized. */
const CHUNK_MS = 20;

/** Speex resampler quality used for calls: its VoIP preset, 3 ms delay at 8 kHz (bench/RESULTS.md). */
export const SPEEX_VOIP_QUALITY = 3;

/** Pointers one resampler owns in the shared wasm heap. */
interface HeapBlock {
  readonly module: SpeexModule;
  readonly state: number;
  readonly input: number;
  readonly output: number;
  /** Three u32: input length, output length, init error code. */
  readonly lengths: number;
}

function freeHeapBlock(block: HeapBlock): void {
  block.module._speex_resampler_destroy(block.state);
  block.module._free(block.input);
  block.module._free(block.output);
  block.module._free(block.lengths);
}

/** Safety net: wasm memory is invisible to the GC, so a resampler dropped without `close()` is freed here. */
const leakedBlocks = new FinalizationRegistry<HeapBlock>(freeHeapBlock);

/**
 * {@link Resampler} backed by SpeexDSP's resampler (a Kaiser-windowed sinc filter bank) in wasm.
 *
 * @remarks `process` copies samples into and out of the wasm heap with plain loops and allocates
 * nothing on the JS heap. After T input samples exactly ⌈T·out/in⌉ samples have come out, whatever
 * the chunking, so 20 ms in gives 20 ms out. Call `close()` when the stream ends; a forgotten
 * instance is freed when garbage collected.
 * @example
 * const toBot = new SpeexResampler(speexModule, 8000, 16000, SPEEX_VOIP_QUALITY);
 * const written = toBot.process(frame, 160, out); // 320
 * toBot.close();
 */
export class SpeexResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delayMs: number;
  readonly #block: HeapBlock;
  readonly #chunkSamples: number;
  #closed = false;

  /** @throws Error when Speex refuses the rates or quality (quality must be 0–10). */
  constructor(module: SpeexModule, inputRate: number, outputRate: number, quality: number) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const lengths = module._malloc(12);
    const state = module._speex_resampler_init(1, inputRate, outputRate, quality, lengths + 8);
    if (state === 0) {
      const code = module.HEAPU32[(lengths >> 2) + 2];
      module._free(lengths);
      throw new Error(`speex_resampler_init(${inputRate} → ${outputRate}, quality ${quality}) failed with code ${code}`);
    }
    this.#chunkSamples = Math.max(1, Math.ceil((inputRate * CHUNK_MS) / 1000));
    const input = module._malloc(this.#chunkSamples * 2);
    const output = module._malloc(this.maxOutputCount(this.#chunkSamples) * 2);
    this.#block = { module, state, input, output, lengths };
    // Speex's input latency is half its filter, in input samples.
    this.delayMs = (module._speex_resampler_get_input_latency(state) / inputRate) * 1000;
    leakedBlocks.register(this, this.#block, this);
  }

  /** {@inheritDoc Resampler.maxOutputCount} */
  maxOutputCount(inputCount: number): number {
    return Math.ceil((inputCount * this.outputRate) / this.inputRate);
  }

  /**
   * {@inheritDoc Resampler.process}
   * @throws Error after `close()`: the wasm state is gone.
   */
  process(input: Int16Array, inputCount: number, output: Int16Array): number {
    if (this.#closed) throw new Error('SpeexResampler.process after close()');
    checkProcessArguments(this, input, inputCount, output);
    const { module, state, lengths } = this.#block;
    const inputBase = this.#block.input >> 1;
    const outputBase = this.#block.output >> 1;
    const inLength = lengths >> 2;
    const chunkSamples = this.#chunkSamples;
    let consumed = 0;
    let written = 0;
    while (consumed < inputCount) {
      const chunk = inputCount - consumed < chunkSamples ? inputCount - consumed : chunkSamples;
      // Fetch the views per chunk: they are replaced whenever the wasm memory grows.
      const heap16 = module.HEAP16;
      for (let i = 0; i < chunk; i++) heap16[inputBase + i] = input[consumed + i]!;
      const heapU32 = module.HEAPU32;
      heapU32[inLength] = chunk;
      heapU32[inLength + 1] = this.maxOutputCount(chunk);
      module._speex_resampler_process_int(state, 0, this.#block.input, lengths, this.#block.output, lengths + 4);
      const used = module.HEAPU32[inLength]!;
      const produced = module.HEAPU32[inLength + 1]!;
      const heapOut = module.HEAP16;
      for (let i = 0; i < produced; i++) output[written + i] = heapOut[outputBase + i]!;
      written += produced;
      consumed += used;
      if (used === 0) break; // cannot happen with a big enough output; never spin
    }
    return written;
  }

  /** {@inheritDoc Resampler.reset} */
  reset(): void {
    if (!this.#closed) this.#block.module._speex_resampler_reset_mem(this.#block.state);
  }

  /** Frees the wasm state and buffers; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    leakedBlocks.unregister(this);
    freeHeapBlock(this.#block);
  }
}
