import { randomBytes } from 'node:crypto';
import * as ws from 'ws';
import type { MicroInputs } from './inputs.js';
import { assertSame, type BenchPair, type Contender } from './pair.js';

/** The parts of ws's frame parser this job drives (exported by `ws`, not in its typings). */
interface FrameReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
}

type ReceiverConstructor = new (options: { isServer: boolean; maxPayload: number; skipUTF8Validation?: boolean }) => FrameReceiver;

/** A client-to-server text frame (masked, as every client's frame is) carrying `payload`. */
function maskedTextFrame(payload: Buffer): Buffer {
  const extended = payload.length > 125;
  const header = extended ? 4 : 2;
  const frame = Buffer.alloc(header + 4 + payload.length);
  frame[0] = 0x81;
  if (extended) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  } else {
    frame[1] = 0x80 | payload.length;
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/**
 * ws's receiver on one inbound Telnyx `media` message as it arrives off the socket. ws unmasks in
 * place, so each op copies the masked frame into a reused buffer first (the same copy in both).
 */
function receiving(label: string, frame: Buffer, skipUTF8Validation: boolean): Contender & { readonly last: () => string } {
  const Receiver = (ws as unknown as { Receiver: ReceiverConstructor }).Receiver;
  const receiver = new Receiver({ isServer: true, maxPayload: 64 * 1024, skipUTF8Validation });
  const work = Buffer.alloc(frame.length);
  let received: Buffer | undefined;
  receiver.on('message', (data) => {
    received = data;
  });
  return {
    label,
    last: () => received?.toString('utf8') ?? '',
    op: () => {
      frame.copy(work);
      receiver.write(work);
      return received;
    },
  };
}

/**
 * What ws's UTF-8 check of each text message costs on the inbound path, which the engine skips:
 * Telnyx sends ASCII JSON, and the engine's parser rejects what is not a well-formed frame anyway.
 */
export function wsReceivePairs(inputs: MicroInputs): BenchPair[] {
  const frame = maskedTextFrame(inputs.mediaMessageStringCounters);
  const skipping = receiving('callwire (ws, UTF-8 check skipped)', frame, true);
  const checking = receiving('ws default (UTF-8 checked)', frame, false);
  return [
    {
      name: 'inbound media message through ws (masked text frame → message)',
      ours: [skipping],
      baseline: checking,
      // ws hands each message over as a Buffer of its own.
      maxHeapBytesPerOp: undefined,
      verify: () => {
        skipping.op();
        checking.op();
        assertSame('message', skipping.last(), inputs.mediaMessageStringCounters.toString('utf8'));
        assertSame('message', skipping.last(), checking.last());
      },
    },
  ];
}

/** The loop ws falls back to without `bufferutil` (the same XOR, a byte at a time). */
function unmaskInJs(buffer: Buffer, mask: Buffer): void {
  for (let i = 0; i < buffer.length; i++) buffer[i]! ^= mask[i & 3]!;
}

/**
 * What `bufferutil` saves on each inbound message: unmasking the payload of a client's frame (every
 * frame a client sends is masked), natively against ws's JavaScript fallback.
 */
export function unmaskPairs(inputs: MicroInputs, nativeUnmask: (buffer: Buffer, mask: Buffer) => void): BenchPair[] {
  const message = inputs.mediaMessageStringCounters;
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const native = Buffer.from(message);
  const fallback = Buffer.from(message);
  return [
    {
      name: `unmask a client frame's payload (${message.length} B)`,
      ours: [{ label: 'callwire (ws with bufferutil)', op: () => (nativeUnmask(native, mask), native[0]) }],
      baseline: { label: "ws's JavaScript fallback", op: () => (unmaskInJs(fallback, mask), fallback[0]) },
      maxHeapBytesPerOp: 64,
      verify: () => {
        const a = Buffer.from(message);
        const b = Buffer.from(message);
        nativeUnmask(a, mask);
        unmaskInJs(b, mask);
        assertSame('unmasked bytes', a.equals(b), true);
        nativeUnmask(a, mask);
        assertSame('unmasked twice', a.equals(message), true);
      },
    },
  ];
}
