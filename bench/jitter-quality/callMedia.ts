/** The audio the simulated calls carry: the speech fixtures' media payloads, or a synthetic talker. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';
import { CAPTURE_FILE_SUFFIX } from '../capture/captureFormat.js';
import { readCapture } from '../capture/readCapture.js';

/** One source of caller audio: 20 ms payloads in one codec. */
export interface CallMedia {
  readonly name: string;
  readonly format: CaptureMediaFormat;
  /** One payload per 20 ms frame, in order. A call longer than this loops it. */
  readonly payloads: readonly Uint8Array[];
}

/** Where the shipped speech fixtures live, relative to the repository root. */
export const FIXTURE_DIR = 'bench/fixtures';

/** Every capture file in `dir`, sorted by name. */
export async function fixturePaths(dir = FIXTURE_DIR): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((name) => name.endsWith(CAPTURE_FILE_SUFFIX)).sort().map((name) => join(dir, name));
}

/**
 * The caller's `media` payloads of a capture, in send order, with the codec from its header (or
 * its `start` frame's `media_format`).
 *
 * @throws Error when the capture has no media, or no codec can be found.
 */
export async function loadCallMedia(path: string): Promise<CallMedia> {
  const capture = await readCapture(path);
  let format = capture.header.inbound;
  const payloads: Uint8Array[] = [];
  for (const event of capture.events) {
    if (event.kind !== 'in') continue;
    const frame = JSON.parse(event.data.toString('utf8')) as { event?: string; media?: { payload?: string }; start?: { media_format?: { encoding?: string; sample_rate?: number } } };
    if (frame.event === 'start' && format === null) {
      const media = frame.start?.media_format;
      if (media?.encoding !== undefined && media.sample_rate !== undefined) format = { encoding: media.encoding, sampleRate: media.sample_rate };
    }
    if (frame.event === 'media' && typeof frame.media?.payload === 'string') payloads.push(Buffer.from(frame.media.payload, 'base64'));
  }
  if (payloads.length === 0) throw new Error(`${path} has no inbound media`);
  if (format === null) throw new Error(`${path} does not say which codec its media is in`);
  return { name: capture.header.callId, format, payloads };
}

/** A synthetic PCMU talker: 2 s of voiced speech, 1 s of digital silence, repeated (`frames` frames). */
export function syntheticMedia(frames = 3000): CallMedia {
  return { name: 'synthetic', format: { encoding: 'PCMU', sampleRate: 8000 }, payloads: pcmuStream(frames, (i) => i % 150 < 100) };
}
