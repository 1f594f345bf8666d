import { randomUUID } from 'node:crypto';

declare const brand: unique symbol;

/** Nominal typing for identifiers that are plain strings at run time. */
export type Brand<T, Tag extends string> = T & { readonly [brand]: Tag };

/** The engine's own id for one call (one media WebSocket). */
export type CallId = Brand<string, 'CallId'>;

/** Makes a fresh {@link CallId}. */
export function newCallId(): CallId {
  return randomUUID() as CallId;
}
