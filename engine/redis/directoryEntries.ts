import { z } from 'zod';

/** A live call as the call directory shows it to every node and to `callwire calls list`. */
export const callEntrySchema = z.object({
  callId: z.string().min(1),
  /** Telnyx's id of the call, from the stream's `start`; null for a stream without one. */
  callControlId: z.string().min(1).nullable(),
  node: z.string().min(1),
  /** The worker process under `serve --workers`; null for a single engine process. */
  worker: z.number().int().nullable(),
  /** `AGENT.ORG`. */
  agent: z.string(),
  /** The call actor's top-level state. */
  state: z.string(),
  /** When the call's stream started, ISO 8601. */
  startedAt: z.string(),
});

/** One engine process as the node registry shows it. */
export const nodeEntrySchema = z.object({
  node: z.string().min(1),
  worker: z.number().int().nullable(),
  pid: z.number().int(),
  /** Where the engine is reached: its `publicUrl`, else host name and port. */
  address: z.string(),
  /** Live calls (streams open, started or not). */
  calls: z.number().int().min(0),
  /** 99th percentile of the event loop's delay since the previous heartbeat, in milliseconds. */
  eventLoopDelayP99Ms: z.number().min(0),
  /** True once the engine refuses new calls to shut down. */
  draining: z.boolean(),
  /** The heartbeat that wrote the entry, ISO 8601. */
  lastSeen: z.string(),
  /** A random id of the process that wrote it, to tell apart two engines given the same node id. */
  instance: z.string().optional(),
});

/** A call directory entry. */
export type CallEntry = z.infer<typeof callEntrySchema>;

/** A node registry entry. */
export type NodeEntry = z.infer<typeof nodeEntrySchema>;

/** The entry a Redis value holds, or undefined when it is not JSON of that shape (written by something else, or damaged). */
export function parseEntry<T>(schema: z.ZodType<T>, value: string | null): T | undefined {
  if (value === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
