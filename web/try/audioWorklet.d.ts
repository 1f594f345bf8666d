// The AudioWorkletGlobalScope, which TypeScript's DOM library leaves out.

/** Base class of an audio worklet's processors. */
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

/** Makes `processor` available to `new AudioWorkletNode(context, name)`. */
declare function registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;

/** The audio context's rate, as seen inside a worklet. */
declare const sampleRate: number;
