import { describe, expect, it } from 'vitest';
import { createResampler } from '../codecs/resample/createResampler.js';
import { L16Encoder } from '../codecs/l16.js';
import { OutboundStream, type OutboundFrameWriter, type OutboundStreamOptions } from './outboundStream.js';

/** Records what would go on the socket, one entry per message: media byte counts and mark names. */
class RecordingWriter implements OutboundFrameWriter {
  readonly sent: (number | string)[] = [];
  readonly payloads: Uint8Array[] = [];
  media(bytes: Uint8Array, length: number): string {
    // A copy: the stream builds every message in the same shared buffer (and a Buffer's slice is a view).
    this.payloads.push(new Uint8Array(bytes.subarray(0, length)));
    return `media:${length}`;
  }
  mark(name: string): string {
    return `mark:${name}`;
  }
  clear(): string {
    return 'clear';
  }
}

const OPTIONS: OutboundStreamOptions = { botSampleRate: 8000, framesPerMessage: 3, prebufferFrames: 2, leadFrames: 1, maxQueuedMs: 10_000 };

/** An 8 kHz L16 little-endian stream, so payload bytes map straight back to samples. */
function makeStream(options: Partial<OutboundStreamOptions> = {}) {
  const writer = new RecordingWriter();
  const sent: string[] = [];
  const settings = { ...OPTIONS, ...options };
  const encoder = new L16Encoder({ sampleRate: 8000, byteOrder: 'little' });
  const stream = new OutboundStream(encoder, createResampler(settings.botSampleRate, 8000), writer, (text) => sent.push(text), settings);
  const ticks = (n: number): void => {
    for (let i = 0; i < n; i++) stream.pace();
  };
  return { stream, sent, writer, ticks };
}

const ms = (milliseconds: number, value = 1000): Int16Array => new Int16Array(milliseconds * 8).fill(value);
/** L16 at 8 kHz: 16 bytes per millisecond. */
const msOf = (text: string): number => Number(text.slice('media:'.length)) / 16;

describe('OutboundStream', () => {
  it('waits for a 40 ms prebuffer, then sends 60 ms messages keeping 20 to 80 ms at Telnyx', () => {
    const { stream, sent, ticks } = makeStream();
    stream.play(ms(20));
    ticks(1);
    expect(sent).toEqual([]); // 20 ms is below the prebuffer and the bot is still writing
    stream.play(ms(980));
    // A whole message is at hand and Telnyx holds nothing: it goes out at once, not at the tick.
    expect(sent).toEqual(['media:960']);
    ticks(1);
    expect(sent).toEqual(['media:960']);
    ticks(48);
    expect(sent.map(msOf)).toEqual(Array<number>(17).fill(60).slice(0, 16).concat([40]));
    expect(stream.stats).toMatchObject({ framesSent: 50, messagesSent: 17, spurts: 1, underruns: 0 });
    expect(stream.aheadMs).toBeGreaterThan(0);
  });

  it('with 200 ms of lead, sends a queued answer that far ahead and is drained only once it has played', () => {
    const { stream, sent, ticks } = makeStream({ leadFrames: 10 });
    stream.play(ms(400));
    // Topped up at once, not a message per tick: the lead plus one message, 11 to 13 frames at Telnyx.
    expect(stream.aheadMs).toBeGreaterThanOrEqual(220);
    expect(stream.aheadMs).toBeLessThanOrEqual(260);
    ticks(10);
    expect(stream.sentAll).toBe(true);
    expect(sent.map(msOf).reduce((a, b) => a + b, 0)).toBe(400);
    // Everything is sent, but the caller has heard only 200 ms of it: a hang-up now would cut the rest.
    expect(stream.drained).toBe(false);
    ticks(stream.aheadMs / 20 - 1);
    expect(stream.drained).toBe(false);
    ticks(1);
    expect(stream.drained).toBe(true);
  });

  it('holds a spurt for the prebuffer a bot asked for, then sends its real-time frames a full message at a time', () => {
    // The echo's pattern: a 200 ms prebuffer, then one frame heard and played per tick.
    const { stream, sent, ticks } = makeStream({ leadFrames: 10, framesPerMessage: 5 });
    stream.setPrebufferMs(200);
    for (let tick = 0; tick < 9; tick++) {
      stream.play(ms(20));
      ticks(1);
    }
    expect(sent).toEqual([]); // 180 ms queued: still held
    stream.play(ms(20));
    ticks(1);
    expect(stream.aheadMs).toBe(180); // 200 ms went out as it began to play
    for (let tick = 0; tick < 100; tick++) {
      stream.play(ms(20));
      ticks(1);
      // Queued plus held at Telnyx stays the 200 ms delay the bot asked for.
      expect(stream.aheadMs + stream.queuedSamples / 8).toBeGreaterThanOrEqual(180);
      expect(stream.aheadMs + stream.queuedSamples / 8).toBeLessThanOrEqual(200);
    }
    // After the first 200 ms, a message per 100 ms instead of one per frame.
    expect(sent.slice(2).map(msOf).every((length) => length === 100)).toBe(true);
    expect(stream.stats.messagesSent).toBeLessThanOrEqual(2 + 100 / 5);
    expect(stream.stats.underruns).toBe(0);
  });

  it('mid-spurt, sends a real-time bot\'s frame as it arrives when the next tick would send it, not on that tick', () => {
    const { stream, sent, ticks } = makeStream();
    stream.play(ms(40));
    ticks(1); // the prebuffer opens the spurt on the tick: 40 ms go out
    expect(sent.map(msOf)).toEqual([40]);
    for (let frame = 0; frame < 5; frame++) {
      stream.play(ms(20)); // the bot's next 20 ms arrives between two ticks
      expect(sent.map(msOf)).toEqual([40, ...Array<number>(frame + 1).fill(20)]); // … and goes out at once
      expect(stream.aheadMs).toBe(60); // one frame more than the tick would have left at Telnyx
      ticks(1);
    }
    expect(stream.stats.underruns).toBe(0);
  });

  it('mid-spurt, keeps a frame that arrives while Telnyx holds more than a tick would top up', () => {
    const { stream, sent } = makeStream();
    stream.play(ms(1000));
    expect(sent.map(msOf)).toEqual([60]); // a spurt from silence starts at once with one message
    stream.play(ms(20));
    expect(sent.map(msOf)).toEqual([60]); // Telnyx holds 3 frames: the tick decides
  });

  it('sends a short final tail once the bot stops writing, padded to a whole frame', () => {
    const { stream, sent, ticks } = makeStream();
    stream.play(ms(10));
    ticks(1); // the bot wrote during this tick: wait for more
    ticks(1); // nothing new: the tail is final
    expect(sent).toEqual(['media:320']);
  });

  it('cuts a message at a mark so the mark follows exactly its own audio', () => {
    const { stream, sent, writer, ticks } = makeStream();
    stream.play(ms(50, 7));
    stream.mark('a');
    stream.play(ms(50, 9));
    ticks(10);
    expect(sent.slice(0, 2)).toEqual(['media:960', 'mark:a']);
    const first = new Int16Array(writer.payloads[0]!.buffer.slice(0));
    expect(Array.from(first.subarray(0, 400)).every((s) => s === 7)).toBe(true);
    expect(Array.from(first.subarray(400)).every((s) => s === 0)).toBe(true);
    const after = sent.slice(2).reduce((total, text) => total + msOf(text), 0);
    expect(after).toBe(60); // 50 ms of the second part, padded to 60
  });

  it('on clear reports unsent audio, unplayed audio at Telnyx and every cut mark, then swallows their echoes', () => {
    const { stream, sent, ticks } = makeStream();
    stream.play(ms(60));
    stream.mark('heard');
    stream.play(ms(100));
    stream.mark('sent');
    stream.play(ms(500));
    stream.mark('queued');
    ticks(8); // 160 ms sent, 2 marks sent
    expect(sent.filter((text) => text.startsWith('mark'))).toEqual(['mark:heard', 'mark:sent']);
    expect(stream.acceptMarkEcho('heard')).toBe(true);
    const cleared = stream.clear();
    expect(sent.at(-1)).toBe('clear');
    expect(cleared.cutMarks).toEqual(['sent', 'queued']);
    // The first 60 ms went out as it was played (Telnyx held nothing); Telnyx then played one frame per tick: 8 ticks.
    expect(cleared.unsentSamples + cleared.unplayedSamples).toBe(660 * 8 - 8 * 160);
    expect(cleared.unplayedSamples).toBe(stream.stats.framesSent * 160 - 8 * 160);
    expect(stream.queuedSamples).toBe(0);
    // Telnyx echoes the cut mark when it clears: not news for the bot. A later mark is.
    expect(stream.acceptMarkEcho('sent')).toBe(false);
    stream.play(ms(40));
    stream.mark('after');
    ticks(3);
    expect(stream.acceptMarkEcho('after')).toBe(true);
    expect(stream.stats).toMatchObject({ marksPlayed: 2, marksCutEchoed: 1, clears: 1 });
  });

  it('counts a gap inside speech as an underrun when the bot falls behind real time', () => {
    const { stream, ticks } = makeStream({ framesPerMessage: 1, prebufferFrames: 1, leadFrames: 0 });
    stream.play(ms(20));
    ticks(1);
    ticks(2); // Telnyx ran dry; the bot wrote nothing
    stream.play(ms(20));
    ticks(1);
    expect(stream.stats.underruns).toBe(1);
    ticks(20); // a real pause
    stream.play(ms(20));
    ticks(2);
    expect(stream.stats).toMatchObject({ spurts: 3, underruns: 1 });
  });

  it('resamples a 16 kHz bot to the 8 kHz codec, frame for frame', () => {
    const writer = new RecordingWriter();
    const sent: string[] = [];
    const stream = new OutboundStream(new L16Encoder({ sampleRate: 8000, byteOrder: 'little' }), createResampler(16000, 8000), writer, (text) => sent.push(text), {
      ...OPTIONS,
      botSampleRate: 16000,
    });
    expect(stream.sampleRate).toBe(16000);
    stream.play(new Int16Array(16 * 120).fill(2000));
    for (let i = 0; i < 4; i++) stream.pace();
    expect(sent.map(msOf)).toEqual([60, 60]);
  });

  it('refuses audio beyond its cap and says how much', () => {
    const { stream } = makeStream({ maxQueuedMs: 1000 });
    expect(stream.play(ms(1500))).toBe(8000);
    expect(stream.stats.samplesRefused).toBe(4000);
  });

  it('counts how long a sent mark has been due without an echo, and forgets it when echoed', () => {
    const { stream, sent, ticks } = makeStream();
    stream.play(ms(100));
    stream.mark('m1');
    while (!sent.includes('mark:m1')) ticks(1);
    // The mark went out right behind its audio: not due until that audio has played by our clock.
    expect(stream.aheadMs).toBeGreaterThan(0);
    expect(stream.markEchoOverdueMs).toBe(0);
    ticks(60);
    expect(stream.markEchoOverdueMs).toBeGreaterThan(1_000);
    expect(stream.acceptMarkEcho('m1')).toBe(true);
    expect(stream.markEchoOverdueMs).toBe(0);
  });

  it('times a spurt that starts between ticks from when it started, for what clear says is unplayed', () => {
    let sinceTick = 8;
    const { stream, sent, ticks } = makeStream({ msSinceTick: () => sinceTick });
    stream.play(ms(200));
    expect(sent).toEqual(['media:960']); // at once, 8 ms into a tick
    sinceTick = 15;
    // Still in the same tick: Telnyx has played 7 ms of the 60 it holds.
    expect(stream.clear().unplayedSamples).toBe((60 - 7) * 8);
    sinceTick = 8;
    stream.play(ms(200)); // a new spurt, at once again
    ticks(2); // the second tick tops Telnyx up with 60 ms more
    sinceTick = 5;
    // Started 8 ms into a tick, two ticks and 5 ms ago: 37 ms played of the 120 ms sent.
    expect(stream.stats.framesSent).toBe(3 + 6);
    expect(stream.clear().unplayedSamples).toBe((120 - 37) * 8);
  });
});
