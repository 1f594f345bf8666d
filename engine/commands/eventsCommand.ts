import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { EVENT_SIGNATURE_HEADER, verifyEventSignature } from '../events/eventSignature.js';

/** Usage of `callwire events`. */
export const EVENTS_USAGE = `  callwire events listen [--port N] [--host ADDR] [--secret SECRET]
      A local receiver for call events, to see what your app would get: prints each event whose
      signature checks out (one line each: time, type, call, the figures that matter) and refuses
      the rest with 401. The secret comes from --secret or CALLWIRE_EVENTS_SECRET; point the
      engine's events.url at http://ADDR:N/events (default 127.0.0.1:9000).`;

/** Largest event body accepted; a call's events are a few KB, a long AI transcript some hundreds. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** `callwire events listen`: runs until interrupted; resolves to -1 (keep running) or an exit code. */
export async function runEventsCommand(argv: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, secret: { type: 'string' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'listen') {
    process.stderr.write(`callwire: expected "events listen"\n\n${EVENTS_USAGE}\n`);
    return 2;
  }
  const secret = values.secret ?? process.env['CALLWIRE_EVENTS_SECRET'];
  if (secret === undefined || secret.length < 16) {
    process.stderr.write('callwire: give the events secret (at least 16 characters) with --secret or CALLWIRE_EVENTS_SECRET, the same as the engine\'s events.secret\n');
    return 2;
  }
  const receiver = await startEventsReceiver({ port: Number(values.port ?? 9000), host: values.host ?? '127.0.0.1', secret, write });
  write(`listening for call events on ${receiver.url}\n`);
  return -1;
}

/** A running events receiver. */
export interface EventsReceiver {
  /** Where to point `events.url`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the receiver behind `callwire events listen`: verifies each POST and writes one line per event. */
export async function startEventsReceiver(options: { port: number; host: string; secret: string; write: (text: string) => void }): Promise<EventsReceiver> {
  const server = createServer((request, response) => void receive(request, response, options.secret, options.write));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/events`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function receive(request: IncomingMessage, response: ServerResponse, secret: string, write: (text: string) => void): Promise<void> {
  if (request.method !== 'POST') {
    response.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      response.writeHead(413).end();
      request.destroy();
      return;
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const problem = verifyEventSignature(secret, request.headers[EVENT_SIGNATURE_HEADER] as string | undefined, body);
  if (problem !== undefined) {
    write(`${new Date().toISOString()}  refused an event: signature ${problem.replace('_', ' ')}\n`);
    response.writeHead(401).end();
    return;
  }
  response.writeHead(204).end();
  write(`${describeEvent(body)}\n`);
}

/** One line for a verified event body: when, what, which call, and what matters of it. */
export function describeEvent(body: string): string {
  const event = JSON.parse(body) as { type?: string; createdAt?: string; data?: Record<string, unknown> };
  const data = event.data ?? {};
  const jitter = data['jitter'] as { concealedFrames?: number; ticks?: number; addedDelayMeanMs?: number } | undefined;
  const summary = (data['summary'] as { userTurns?: number; assistantTurns?: number; interruptions?: number } | undefined) ?? {};
  const details: Record<string, string | undefined> = {
    'call.started': `${String(data['from'])} → ${String(data['to'])}`,
    'call.ended': `${String(data['reason'])} after ${((Number(data['durationMs']) || 0) / 1000).toFixed(1)} s${jitter?.ticks ? `, concealed ${((100 * (jitter.concealedFrames ?? 0)) / jitter.ticks).toFixed(1)} %, jitter delay ${jitter.addedDelayMeanMs ?? 0} ms` : ''}${data['transferTarget'] === undefined ? '' : `, transferred to ${String(data['transferTarget'])}`}`,
    'recording.saved': data['source'] === 'callwire' ? String(data['path']) : `Telnyx ${Object.keys((data['urls'] as object | undefined) ?? {}).join(', ')}`,
    'transcript.ready': `${summary.userTurns ?? 0} caller and ${summary.assistantTurns ?? 0} agent turns, ${summary.interruptions ?? 0} interruptions`,
  };
  return `${event.createdAt ?? ''}  ${String(event.type).padEnd(16)}  ${String(data['agent'])}  ${String(data['callId'])}  ${details[String(event.type)] ?? ''}`;
}
