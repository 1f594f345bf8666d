/**
 * Plays what the bot sends: a small jitter buffer at the call's rate, read out at the audio
 * context's rate by linear interpolation. It tells the page when each mark's audio has played (so
 * the page echoes marks as Telnyx does), and reports its depth, dry spells and output level.
 */

/** What the page passes as `processorOptions`. */
interface PlayoutOptions {
  readonly sourceRate: number;
  /** Audio held before playing starts or resumes, in ms: the jitter buffer's depth. */
  readonly prebufferMs: number;
}

/** Messages from the page. */
type PlayoutCommand = { readonly type: 'audio'; readonly samples: Int16Array } | { readonly type: 'mark'; readonly name: string } | { readonly type: 'clear' };

/** Seconds of audio the ring holds, well above what is kept while playing. */
const RING_SECONDS = 4;
/**
 * Most audio held while playing, in ms: the engine keeps a lead of audio at the caller, and the
 * audio context's clock drifts from the engine's, so beyond this the oldest audio is dropped.
 */
const MAX_BUFFERED_MS = 500;
/** Reports to the page per second. */
const REPORTS_PER_SECOND = 10;

class PlayoutProcessor extends AudioWorkletProcessor {
  readonly #ring: Float32Array;
  readonly #step: number;
  readonly #prebufferSamples: number;
  readonly #maxBufferedSamples: number;
  readonly #reportEvery: number;
  /** Samples ever written and the fractional read position, both in the call's samples. */
  #written = 0;
  #read = 0;
  #playing = false;
  #underruns = 0;
  #dropped = 0;
  /** Marks waiting for their audio to play: names and the write position they follow. */
  readonly #marks: { name: string; at: number }[] = [];
  #sinceReport = 0;
  /** Output samples since audio last arrived. */
  #sinceWrite = 0;
  #squares = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { sourceRate, prebufferMs } = options.processorOptions as PlayoutOptions;
    this.#ring = new Float32Array(sourceRate * RING_SECONDS);
    this.#step = sourceRate / sampleRate;
    this.#prebufferSamples = Math.round((sourceRate * prebufferMs) / 1000);
    this.#maxBufferedSamples = Math.round((sourceRate * MAX_BUFFERED_MS) / 1000);
    this.#reportEvery = Math.round(sampleRate / REPORTS_PER_SECOND);
    this.port.onmessage = (event: MessageEvent<PlayoutCommand>) => this.#command(event.data);
  }

  #command(command: PlayoutCommand): void {
    if (command.type === 'audio') {
      const ring = this.#ring;
      for (let index = 0; index < command.samples.length; index++) ring[(this.#written + index) % ring.length] = command.samples[index]! / 32768;
      this.#written += command.samples.length;
      this.#sinceWrite = 0;
      const excess = this.#written - this.#read - this.#maxBufferedSamples;
      if (excess > 0 && this.#playing) {
        // Back to half the cap, in one jump: one audible skip now and then rather than a delay that keeps growing.
        const dropped = excess + (this.#maxBufferedSamples >> 1);
        this.#read += dropped;
        this.#dropped += dropped;
      } else if (excess + this.#maxBufferedSamples > ring.length) {
        // Not playing (the context is suspended): keep the newest audio the ring can hold.
        this.#read = this.#written - ring.length;
      }
    } else if (command.type === 'mark') {
      this.#marks.push({ name: command.name, at: this.#written });
      this.#echoPlayedMarks();
    } else {
      // Telnyx drops what is queued and echoes every pending mark at once.
      this.#read = this.#written;
      this.#playing = false;
      for (const mark of this.#marks) mark.at = this.#written;
      this.#echoPlayedMarks();
    }
  }

  /**
   * True when what is buffered, though less than the prebuffer, is all there will be for now: a mark
   * follows it (the bot's turn ends there), or nothing has arrived for a prebuffer's time. Telnyx
   * plays such a tail at once; waiting for more would hold it, and its mark, indefinitely.
   */
  #tailWaiting(): boolean {
    const lastMark = this.#marks[this.#marks.length - 1];
    return (lastMark !== undefined && lastMark.at >= this.#written) || this.#sinceWrite >= this.#prebufferSamples / this.#step;
  }

  #echoPlayedMarks(): void {
    while (this.#marks.length > 0 && this.#marks[0]!.at <= Math.floor(this.#read)) this.port.postMessage({ type: 'played', name: this.#marks.shift()!.name });
  }

  override process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0]?.[0];
    if (output === undefined) return true;
    const ring = this.#ring;
    for (let index = 0; index < output.length; index++) {
      const buffered = this.#written - this.#read;
      if (!this.#playing && buffered > 1 && (buffered >= this.#prebufferSamples || this.#tailWaiting())) this.#playing = true;
      if (this.#playing && buffered < 2) {
        // Dry: the last sample has been heard (interpolation only lacks its successor), so every mark queued so far is played.
        this.#playing = false;
        this.#read = this.#written;
        this.#underruns++;
      }
      let sample = 0;
      if (this.#playing) {
        const whole = Math.floor(this.#read);
        const fraction = this.#read - whole;
        const current = ring[whole % ring.length]!;
        const next = ring[(whole + 1) % ring.length]!;
        sample = current + (next - current) * fraction;
        this.#read += this.#step;
      }
      output[index] = sample;
      this.#squares += sample * sample;
    }
    for (let channel = 1; channel < (outputs[0]?.length ?? 0); channel++) outputs[0]![channel]!.set(output);
    this.#sinceWrite += output.length;
    this.#echoPlayedMarks();
    this.#sinceReport += output.length;
    if (this.#sinceReport >= this.#reportEvery) this.#report();
    return true;
  }

  #report(): void {
    this.port.postMessage({
      type: 'stats',
      bufferedMs: ((this.#written - this.#read) / (this.#step * sampleRate)) * 1000,
      underruns: this.#underruns,
      droppedMs: (this.#dropped / (this.#step * sampleRate)) * 1000,
      rms: Math.sqrt(this.#squares / this.#sinceReport),
    });
    this.#sinceReport = 0;
    this.#squares = 0;
  }
}

registerProcessor('callwire-playout', PlayoutProcessor);
