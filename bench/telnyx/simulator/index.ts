import { randomBytes } from 'node:crypto';
import { CallControlApi, type ApiHost } from './callControlApi.js';
import type { CallLeg } from './callLeg.js';
import { listen, type ApiHandler, type ListeningServer } from './httpServer.js';
import { inbound, type InboundCallOptions } from './newCalls.js';
import type { RecordedCommand, SentWebhook, SimulatedLeg, SimulatorOptions } from './types.js';
import { WebhookDelivery, type WebhookEvent } from './webhookDelivery.js';
import { WebhookSigner } from './webhookSigning.js';

export type { LegDirection, LegState, RecordedCommand, SentWebhook, SimulatedLeg, SimulatorOptions } from './types.js';
export type { InboundCallOptions } from './newCalls.js';
export { verifyTelnyxSignature } from './webhookSigning.js';

/**
 * A local stand-in for Telnyx: the Call Control REST API the `telnyx` SDK talks to (pass `baseUrl`
 * and `apiKey`), Ed25519-signed webhooks to the engine, and media WebSockets that play back what
 * they receive in real time. See README.md for what it does and does not simulate.
 */
export class TelnyxSimulator {
  /** e.g. http://127.0.0.1:43123 — pass as the SDK's baseURL (the SDK appends /calls/...). */
  readonly baseUrl: string;
  /** The key the simulator accepts as Bearer (others get 401 like Telnyx). */
  readonly apiKey: string;
  /** Base64 of the 32-byte Ed25519 public key that signs its webhooks (Telnyx "Public Key"). */
  readonly publicKeyBase64: string;
  /** Every accepted request, in order. */
  readonly commands: RecordedCommand[] = [];
  /** Every webhook delivery attempt, with the engine's HTTP status. */
  readonly webhooks: SentWebhook[] = [];
  /** Things that went wrong outside a request (a stream that could not connect, a failed task). */
  readonly problems: string[] = [];
  readonly #legs = new Map<string, CallLeg>();
  readonly #server: ListeningServer;
  readonly #delivery: WebhookDelivery;
  readonly #host: ApiHost;
  readonly #injectedFailures: number[] = [];
  #webhookUrl: string | undefined;
  #closed = false;

  private constructor(server: ListeningServer, signer: WebhookSigner, options: SimulatorOptions) {
    this.baseUrl = server.baseUrl;
    this.apiKey = `KEYsim_${randomBytes(16).toString('hex')}`;
    this.publicKeyBase64 = signer.publicKeyBase64;
    this.#server = server;
    this.#delivery = new WebhookDelivery(signer, (sent) => this.webhooks.push(sent));
    this.#host = {
      apiKey: this.apiKey,
      baseUrl: this.baseUrl,
      webhookDelayMs: options.webhookDelayMs ?? 5,
      findLeg: (callControlId) => this.#legs.get(callControlId),
      register: (leg) => void this.#legs.set(leg.callControlId, leg),
      record: (command) => void this.commands.push(command),
      takeInjectedFailure: () => this.#injectedFailures.shift(),
      startInbound: (inboundOptions) => this.#startInbound(inboundOptions),
      report: (problem) => void this.problems.push(problem),
      deliver: (leg, event, redelivery) => this.#deliver(leg, event, redelivery),
      isClosed: () => this.#closed,
    };
    this.#webhookUrl = options.webhookUrl;
  }

  /** Starts a simulator listening on 127.0.0.1 (`port` 0, the default, picks a free one). */
  static async start(options: SimulatorOptions = {}, port = 0): Promise<TelnyxSimulator> {
    let handle: ApiHandler = () => Promise.reject(new Error('simulator starting'));
    const server = await listen((request) => handle(request), port);
    const simulator = new TelnyxSimulator(server, new WebhookSigner(), options);
    handle = new CallControlApi(simulator.#host).handle;
    return simulator;
  }

  /** Where webhooks go from now on (calls placed with their own `webhook_url` keep it). */
  setWebhookUrl(url: string): void {
    this.#webhookUrl = url;
  }

  /** A caller dials a number routed to the connection: sends call.initiated (direction incoming). */
  inboundCall(options: InboundCallOptions): Promise<SimulatedLeg> {
    return this.#startInbound(options);
  }

  /** The leg with this call_control_id. */
  leg(callControlId: string): SimulatedLeg | undefined {
    return this.#legs.get(callControlId);
  }

  /** Resolves when predicate() holds (polls), or rejects after timeoutMs with `what` in the message. */
  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) throw new Error(`Telnyx simulator: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * The next `count` Call Control commands take effect but are answered `status` (default 503), as
   * when Telnyx acted and the response was lost; the SDK then retries with the same command_id.
   */
  failNextResponses(count: number, status = 503): void {
    for (let i = 0; i < count; i++) this.#injectedFailures.push(status);
  }

  /** Stops delivering webhooks, drops every media socket and closes the HTTP server. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#delivery.stop();
    for (const leg of this.#legs.values()) leg.terminate();
    await this.#server.close();
  }

  async #startInbound(options: InboundCallOptions): Promise<CallLeg> {
    const { leg, initiated } = inbound(this.#host, options);
    this.#legs.set(leg.callControlId, leg);
    await initiated;
    return leg;
  }

  /** To the call's own webhook_url, else the simulator's; nothing when neither is set. */
  async #deliver(leg: CallLeg, event: WebhookEvent, redelivery: boolean): Promise<void> {
    const url = leg.webhookUrl ?? this.#webhookUrl;
    if (url === undefined || this.#closed) return;
    let firstAttempt = 1;
    if (redelivery) {
      for (const sent of this.webhooks) if (sent.id === event.id) firstAttempt = Math.max(firstAttempt, sent.attempt + 1);
    }
    await this.#delivery.deliver(url, event, leg.callControlId, firstAttempt);
  }
}
