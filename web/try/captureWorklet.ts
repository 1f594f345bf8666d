/**
 * Microphone capture: takes the audio context's rate (44.1 or 48 kHz, usually) down to the call's
 * 8 or 16 kHz and posts 20 ms frames of 16-bit samples to the page.
 */

/** What the page passes as `processorOptions`. */
interface CaptureOptions {
  readonly targetRate: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  /** Input samples per output sample (fractional: 44.1 kHz to 8 kHz is 5.5125). */
  readonly #ratio: number;
  /** Two cascaded moving averages, as wide as one output sample: a cheap low-pass against aliasing. */
  readonly #firstBox: Float32Array;
  readonly #secondBox: Float32Array;
  #firstSum = 0;
  #secondSum = 0;
  #boxIndex = 0;
  #phase = 0;
  readonly #frameSamples: number;
  #frame: Int16Array;
  #filled = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { targetRate } = options.processorOptions as CaptureOptions;
    this.#ratio = sampleRate / targetRate;
    const width = Math.max(1, Math.round(this.#ratio));
    this.#firstBox = new Float32Array(width);
    this.#secondBox = new Float32Array(width);
    this.#frameSamples = targetRate / 50;
    this.#frame = new Int16Array(this.#frameSamples);
  }

  override process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (input === undefined) return true;
    const width = this.#firstBox.length;
    for (let index = 0; index < input.length; index++) {
      const sample = input[index]!;
      this.#firstSum += sample - this.#firstBox[this.#boxIndex]!;
      this.#firstBox[this.#boxIndex] = sample;
      const once = this.#firstSum / width;
      this.#secondSum += once - this.#secondBox[this.#boxIndex]!;
      this.#secondBox[this.#boxIndex] = once;
      this.#boxIndex = (this.#boxIndex + 1) % width;
      this.#phase += 1;
      if (this.#phase < this.#ratio) continue;
      this.#phase -= this.#ratio;
      const filtered = this.#secondSum / width;
      this.#frame[this.#filled++] = Math.max(-32768, Math.min(32767, Math.round(filtered * 32768)));
      if (this.#filled === this.#frameSamples) {
        // The frame's buffer moves to the page (leaving this one empty); a fresh one takes its place: one small array per 20 ms, in the browser only.
        this.port.postMessage(this.#frame, [this.#frame.buffer]);
        this.#frame = new Int16Array(this.#frameSamples);
        this.#filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('callwire-capture', CaptureProcessor);
