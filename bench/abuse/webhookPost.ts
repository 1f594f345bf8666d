import { request, type Agent } from 'node:http';
import { TARGET_HOST } from './attackOptions.js';
import { errorCode } from './attackTally.js';

/** How one POST went: the engine's answer, or why there was none. */
export type PostOutcome = { readonly status: number; readonly body: string } | { readonly error: string };

/** Largest answer kept; the engine's answers to webhooks are a few bytes of JSON. */
const MAX_ANSWER_BYTES = 4096;

/** POSTs `body` to 127.0.0.1:`port``path` with `headers`; never rejects. */
export function postToEngine(port: number, path: string, body: string, headers: Readonly<Record<string, string>>, options: { agent: Agent; localAddress: string; timeoutMs: number }): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: TARGET_HOST,
        port,
        path,
        method: 'POST',
        agent: options.agent,
        localAddress: options.localAddress,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8', 0, MAX_ANSWER_BYTES) }));
        response.once('error', (error) => resolve({ error: errorCode(error) }));
      },
    );
    req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
    req.once('error', (error) => resolve({ error: errorCode(error) }));
    req.end(body);
  });
}

/** The `status` field of a JSON answer (`ok`, `duplicate`), or undefined. */
export function answerStatus(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { status?: unknown };
    return typeof parsed.status === 'string' ? parsed.status : undefined;
  } catch {
    return undefined;
  }
}
