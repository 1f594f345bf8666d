import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../capture/readCapture.js';
import { FixtureFrames } from './fixtureFrames.js';
import { unmaskFrame } from './rawWebSocket.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}.capture.jsonl`, import.meta.url));

interface MediaJson {
  sequence_number: string;
  media: { chunk: string; timestamp: string; payload: string };
}

describe('FixtureFrames', () => {
  it('prebuilds the fixture’s frames byte for byte and continues the counters in looped copies', async () => {
    const frames = await FixtureFrames.load(fixture('pcmu-8k-menu'));
    expect(frames.name).toBe('pcmu-8k-menu');
    expect(frames.serviceHost).toBe('echo.default');
    expect(frames.inbound).toEqual({ encoding: 'PCMU', sampleRate: 8000 });
    expect(frames.firstMediaOffsetMs).toBe(20);
    expect(frames.dtmfCount).toBe(4);
    const count = frames.mediaCount;
    const capture = await readCapture(fixture('pcmu-8k-menu'));
    const firstMedia = capture.events.find((event) => event.kind === 'in' && event.data.includes('"event":"media"'));
    expect(firstMedia?.kind === 'in' ? unmaskFrame(frames.media(0)).equals(firstMedia.data) : false).toBe(true);
    frames.ensureFrames(2 * count + 1);
    const first = JSON.parse(unmaskFrame(frames.media(0)).toString()) as MediaJson;
    const last = JSON.parse(unmaskFrame(frames.media(count - 1)).toString()) as MediaJson;
    const looped = JSON.parse(unmaskFrame(frames.media(count)).toString()) as MediaJson;
    expect(looped.media.payload).toBe(first.media.payload);
    expect(Number(looped.media.chunk)).toBe(Number(last.media.chunk) + 1);
    expect(Number(looped.media.timestamp)).toBe(Number(last.media.timestamp) + 20);
    expect(Number(looped.sequence_number)).toBe(frames.mediaSequence(count));
    // Every media and dtmf frame of a pass takes one sequence number; the next pass follows on.
    expect(frames.mediaSequence(count)).toBe(frames.mediaSequence(0) + count + frames.dtmfCount);
    expect(JSON.parse(unmaskFrame(frames.dtmf(1, 0)).toString())).toMatchObject({ event: 'dtmf', sequence_number: String(frames.dtmfSequence(1, 0)) });
    expect(frames.dtmfSequence(1, 0)).toBe(frames.dtmfSequence(0, 0) + count + frames.dtmfCount);
    expect(JSON.parse(frames.stop(4242))).toMatchObject({ event: 'stop', sequence_number: '4242' });
    expect(frames.framesFor(20 + 20 * 50)).toBe(50);
  });

  it('indexes PCMU 8 kHz payloads for echo tracing, and only those', async () => {
    const pcmu = await FixtureFrames.load(fixture('pcmu-8k-bargein'));
    const pcma = await FixtureFrames.load(fixture('pcma-8k-bargein'));
    expect(pcmu.echoIndex?.frameCount).toBe(pcmu.mediaCount);
    expect(pcma.echoIndex).toBeNull();
  });
});
