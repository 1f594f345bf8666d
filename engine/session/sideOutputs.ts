import { join } from 'node:path';
import type { AudioFrame } from '../../bots/api.js';
import type { CodecFormat } from '../../codecs/createCodec.js';
import { CaptureWriter } from '../capture/captureWriter.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OutboundStream } from '../outboundStream.js';
import { CallRecorder } from '../recording/callRecorder.js';
import { recordingFileName } from '../recording/recordingFile.js';
import type { MediaFormat } from '../telnyx/frames.js';

/** Who a call's side outputs belong to. */
export interface SideOutputsOwner {
  readonly callId: string;
  /** `name.org` of the agent. */
  readonly agentKey: string;
  readonly clock: Clock;
  /** The call's logger. */
  readonly log: Logger;
}

/**
 * What one call writes besides its audio: the capture of every socket message (`serve --capture`),
 * and the stereo WAV recording of both sides (caller left, bot right) once asked for. Neither ever
 * disturbs the call: a write error stops that output and is logged once.
 */
export class SideOutputs {
  /** The capture of the call's socket messages; undefined when the engine does not capture. */
  readonly capture: CaptureWriter | undefined;
  readonly #owner: SideOutputsOwner;
  #recorder: CallRecorder | undefined;
  /** Pacer ticks since the stream started: the recording's time base. */
  #tick = 0;

  constructor(owner: SideOutputsOwner, captureDir: string | undefined) {
    this.#owner = owner;
    this.capture = captureDir === undefined ? undefined : openCapture(owner, captureDir);
  }

  /** Path of the call's recording; undefined until {@link record}. */
  get recordingPath(): string | undefined {
    return this.#recorder?.path;
  }

  /** Names the stream's codecs in the capture's header. */
  describeStreams(inbound: MediaFormat, outbound: CodecFormat): void {
    this.capture?.setInbound({ encoding: inbound.encoding, sampleRate: inbound.sampleRate });
    this.capture?.setOutbound({ encoding: outbound.encoding.toUpperCase(), sampleRate: outbound.sampleRate });
  }

  /** One pacer tick went by. */
  tick(): void {
    this.#tick++;
  }

  /** Caller audio the bot hears at this tick. */
  callerAudio(frame: AudioFrame): void {
    this.#recorder?.caller(this.#tick, frame.samples, frame.sampleCount);
  }

  /** Starts recording both sides into `dir` from this tick on; returns the file's path. Called once. */
  record(dir: string, output: OutboundStream, sampleRate: number): string {
    const { callId, clock, log } = this.#owner;
    const path = join(dir, recordingFileName(callId));
    const recorder = new CallRecorder(path, {
      sampleRate,
      clock,
      firstTick: this.#tick,
      onError: (error) => log.warn({ err: error, path }, 'recording stopped: cannot write the file'),
    });
    this.#recorder = recorder;
    output.setRecorder(recorder);
    log.info({ path }, 'recording the call');
    return path;
  }

  /**
   * Ends the recording: everything heard so far is on disk after this; the WAV header was kept right
   * at every flush. `onWritten` hears of a recording completed without an I/O error.
   */
  closeRecording(onWritten?: (path: string) => void): void {
    const recorder = this.#recorder;
    if (recorder === undefined) return;
    void recorder.close().then(() => {
      if (recorder.stats.error === undefined) onWritten?.(recorder.path);
    });
  }
}

function openCapture(owner: SideOutputsOwner, dir: string): CaptureWriter {
  return new CaptureWriter(
    dir,
    { callId: owner.callId, serviceHost: owner.agentKey, startedAt: new Date().toISOString(), inbound: null, outbound: null },
    { onError: (error) => owner.log.warn({ err: error }, 'capture stopped: cannot write the file') },
  );
}
