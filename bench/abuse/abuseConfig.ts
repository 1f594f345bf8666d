/**
 * The configuration file the engine under attack gets: nothing but the embedded defaults, plus one
 * agent that requires a stream auth token (`guarded.default`, an echo bot) and the Telnyx webhook
 * public key whose private key the bench holds. Limits, logging and the rest stay at their defaults.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateWebhookKeys, type WebhookKeys } from './webhookKeys.js';

/** The agent with a stream auth token. */
export const GUARDED_SERVICE_HOST = 'guarded.default';

/** A written config file and the secrets in it. */
export interface AbuseConfig {
  readonly path: string;
  readonly streamAuthToken: string;
  readonly webhookKeys: WebhookKeys;
}

/** The config file's content; `limits` override defaults (the test suite's only). */
export function abuseConfigContent(streamAuthToken: string, webhookPublicKey: string, limits?: Readonly<Record<string, number>>): object {
  return {
    ...(limits === undefined ? {} : { limits }),
    organizations: { default: { agents: { guarded: { bot: 'echo', streamAuthToken } } } },
    // The attacks and the good call use the embedded echo.default beside guarded.default.
    includeDefaultOrg: true,
    telnyx: { publicKey: webhookPublicKey },
  };
}

/** Writes `callwire.config.json` with a fresh token and key pair into `dir`; `limits` override defaults. */
export async function writeAbuseConfig(dir: string, limits?: Readonly<Record<string, number>>): Promise<AbuseConfig> {
  const streamAuthToken = randomBytes(24).toString('base64url');
  const webhookKeys = generateWebhookKeys();
  const path = join(dir, 'callwire.config.json');
  await writeFile(path, `${JSON.stringify(abuseConfigContent(streamAuthToken, webhookKeys.publicKeyBase64, limits), null, 2)}\n`);
  return { path, streamAuthToken, webhookKeys };
}
