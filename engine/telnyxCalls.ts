import { callPreparationOf } from '../bots/callPreparation.js';
import { disposeQuietly, type PreparedCalls } from './preparedCalls.js';
import { PREPARED_KEY_PARAM } from './streamAdmission.js';
import { randomUUID } from 'node:crypto';
import type { EndReason, RecordingSaved } from '../bots/api.js';
import type { AgentDefinition } from './agent.js';
import type { AgentCatalog } from './agentCatalog.js';
import { CallLegs, type CallLeg } from './callLegs.js';
import type { CallRegistry } from './callRegistry.js';
import type { CallSession } from './session/callSession.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import { mediaStreamUrl, type PublicOrigin } from './publicUrl.js';
import type { CallControl, DialedCall, StreamRequest } from './telnyx/callControl.js';
import { CallControlError, CallControlErrorCode } from './telnyx/callControlError.js';
import { telnyxStreamFormat } from './telnyx/streamFormat.js';
import type { TelnyxWebhookEvent } from './telnyx/webhookEvents.js';

/** What the engine needs to place a call for an agent. */
export interface DialOut {
  readonly agent: AgentDefinition;
  readonly to: string;
  readonly from: string;
  readonly connectionId: string;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly clientState: string | undefined;
}

/** Services {@link TelnyxCalls} works with. */
export interface TelnyxCallsDeps {
  readonly catalog: AgentCatalog;
  readonly calls: CallRegistry;
  /** Undefined when the engine has no Telnyx API key. */
  readonly callControl: CallControl | undefined;
  readonly log: Logger;
  readonly clock: Clock;
  /** Wall-clock milliseconds, for leg bookkeeping. */
  readonly now: () => number;
  /** Why new calls are refused right now (draining, at capacity, overloaded), or undefined when they are taken. */
  readonly refusing?: (() => string | undefined) | undefined;
  /** Where bots' early work for Call Control calls waits for the stream; absent: none is done. */
  readonly preparedCalls?: PreparedCalls | undefined;
  /** Telnyx saved a recording (`call.recording.saved`); `session` is the live call, if any. */
  readonly onRecordingSaved?: ((callControlId: string, session: CallSession | undefined, recording: RecordingSaved) => void) | undefined;
  /** Where dial-out parameters also go so that a stream landing on another node finds them (Redis); absent: this process only. */
  readonly sharedParameters?: SharedParameterStore | undefined;
  /** Where the legs this process holds are recorded for every process (Redis); absent: only the process holding a leg hangs it up. */
  readonly sharedLegs?: SharedLegStore | undefined;
}

/** The legs processes hold, recorded beyond this one so that a stream ending on any process gets its leg hung up once. */
export interface SharedLegStore {
  /** Records that this process holds the leg; nothing waits on it. */
  held(callControlId: string, origin: CallLeg['origin']): void;
  /** Drops the leg's record: it is gone, hung up, or needs no hang-up. */
  forget(callControlId: string): void;
  /** Takes the leg's record once the stream `endedCallId` ended; resolves true for the one caller that took it, false when none is held, another stream of the call is live, or the store is away. Never rejects. */
  claim(callControlId: string, endedCallId: string): Promise<boolean>;
}

/** Dial-out parameters stored beyond this process, by the stream URL's one-time key. */
export interface SharedParameterStore {
  /** Stores them; resolves when stored or given up on (bounded), never rejects. */
  hold(key: string, parameters: Readonly<Record<string, string>>): Promise<void>;
  /** Drops them (the dial failed). */
  release(key: string): void;
}

/**
 * Whether the engine hangs the Telnyx call up once its stream has ended: always when the bot hung
 * up; never after a transfer or a hang-up Telnyx reported; otherwise only for legs the engine owns
 * (on a TeXML call, the verbs after `<Connect>` decide).
 */
export function shouldHangUp(reason: EndReason, owned: boolean, hungUp: boolean): boolean {
  if (hungUp || reason === 'transferred' || reason === 'call_hangup') return false;
  return reason === 'bot_hangup' || reason === 'ai_unavailable' || reason === 'ai_session_limit' || reason === 'upstream_unavailable' || owned;
}

/**
 * How long the engine waits for `call.hangup` after Telnyx itself ended an owned leg's stream (the
 * caller hanging up stops the stream first), before hanging the leg up itself.
 */
export const HANGUP_GRACE_MS = 2_000;

/** End reasons where Telnyx ended the stream, usually because the call itself is ending. */
const ENDED_BY_TELNYX: ReadonlySet<EndReason> = new Set<EndReason>(['stream_stopped', 'socket_closed']);

/**
 * The engine's side of Telnyx Call Control: answers calls routed to an agent, starts their streams,
 * places dial-out calls, applies Call Control webhooks to live calls, and hangs up legs nobody else
 * will. Every command is a promise outside any call's mailbox; failures are logged here.
 */
export class TelnyxCalls {
  readonly legs = new CallLegs();
  readonly #deps: TelnyxCallsDeps;
  readonly #log: Logger;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Hang-ups waiting out {@link HANGUP_GRACE_MS}, by call_control_id: each sends its hangup when called. */
  readonly #graceHangups = new Map<string, { readonly timer: TimerHandle; readonly hangUp: () => void }>();

  constructor(deps: TelnyxCallsDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'telnyx' });
  }

  /**
   * Applies one verified, first-time webhook. `origin` says how Telnyx reaches the engine, for stream
   * URLs; it is asked only when a call is about to be answered, and undefined means no stream URL
   * may be built for this delivery (the caller has logged why).
   */
  handleEvent(event: TelnyxWebhookEvent, origin: () => PublicOrigin | undefined): void {
    const log = this.#log.child({ event: event.type === 'other' ? event.eventType : event.type, eventId: event.id, callControlId: event.callControlId });
    const leg = event.callControlId === undefined ? undefined : this.legs.get(event.callControlId);
    const session = event.callControlId === undefined ? undefined : this.#deps.calls.byCallControlId(event.callControlId);
    switch (event.type) {
      case 'call.initiated':
        if (event.direction === 'incoming') this.#answer(event, origin, log);
        else log.debug('outgoing call initiated');
        return;
      case 'call.answered':
        if (leg?.pendingStream !== undefined) this.#startStream(leg, log);
        return;
      case 'call.hangup': {
        // Telnyx reports the end of every call of the application; only the ones this engine knows of are news.
        const ended = { cause: event.hangupCause, source: event.hangupSource, live: session !== undefined };
        if (leg === undefined && session === undefined) log.debug(ended, 'telnyx call hung up');
        else log.info(ended, 'telnyx call hung up');
        if (leg !== undefined) leg.hungUp = true;
        // Whichever process holds the leg: nobody is to hang it up any more.
        if (event.callControlId !== undefined) this.#deps.sharedLegs?.forget(event.callControlId);
        if (session !== undefined) {
          session.telnyxHungUp();
        } else if (event.callControlId !== undefined) {
          this.#cancelGraceHangup(event.callControlId);
          this.legs.delete(event.callControlId);
          // The call ended without its stream here (it ran on another engine, or never started): its early work is of no use.
          if (leg?.preparedKey !== undefined) this.#discardPrepared(leg.preparedKey, leg.agent);
        }
        return;
      }
      case 'streaming.started':
      case 'streaming.stopped':
        log.debug({ streamUrl: event.streamUrl }, 'telnyx stream event');
        return;
      case 'streaming.failed':
        log.warn({ failureReason: event.failureReason, streamId: event.streamId }, 'telnyx could not stream the call to callwire');
        if (leg !== undefined && session === undefined) this.#hangUpLeg(leg, 'streaming_failed');
        return;
      case 'call.recording.saved':
        log.info({ recordingId: event.recording.recordingId, formats: Object.keys(event.recording.urls), live: session !== undefined }, 'telnyx saved a recording');
        session?.recordingSaved(event.recording);
        if (event.callControlId !== undefined) this.#deps.onRecordingSaved?.(event.callControlId, session, event.recording);
        return;
      case 'other':
        log.debug('ignored telnyx event');
        return;
    }
  }

  /**
   * Places an outbound call whose stream comes back to the engine. The dial carries the stream URL,
   * codec, rate and auth token; Telnyx's `dial` takes no custom parameters, so they are held here
   * under a one-time key in the stream URL and merged into the bot's `start`.
   *
   * @throws {@link CallControlError} from Telnyx (or `CW_CALL_CONTROL_UNAVAILABLE` without an API key).
   */
  async dial(request: DialOut, origin: PublicOrigin): Promise<DialedCall> {
    const control = this.#requireControl('dial');
    const { agent } = request;
    const streamKey = randomUUID();
    const parameters = { ...agent.customParameters, ...request.customParameters };
    this.legs.holdParameters(streamKey, parameters, this.#deps.now());
    // Before Telnyx is asked, so the stream finds them wherever the load balancer sends it.
    await this.#deps.sharedParameters?.hold(streamKey, parameters);
    const stream = { ...this.#streamRequest(agent, origin, { dial: streamKey }), customParameters: undefined };
    // The bot's early work (an AI session, its greeting) runs while Telnyx rings the callee.
    this.#deps.preparedCalls?.prepare(agent, `dial:${streamKey}`, { callControlId: undefined, from: request.from, to: request.to, customParameters: parameters }, this.#log);
    try {
      const call = await control.dial({ connectionId: request.connectionId, to: request.to, from: request.from, stream, clientState: request.clientState });
      this.#holdLeg({ callControlId: call.callControlId, agent, origin: 'dialed', clientState: request.clientState, pendingStream: undefined, hungUp: false, streamKey, preparedKey: `dial:${streamKey}`, createdAt: this.#deps.now() });
      this.#log.info({ callControlId: call.callControlId, agent: `${agent.name}.${agent.org}`, parameters: Object.keys(parameters).length }, 'placed outbound call');
      return call;
    } catch (error) {
      this.legs.releaseParameters(streamKey);
      this.#deps.sharedParameters?.release(streamKey);
      this.#discardPrepared(`dial:${streamKey}`, agent);
      throw error;
    }
  }

  /** Parameters held for a dial-out stream (`dial=` in its URL). */
  heldParameters(streamKey: string | null): Readonly<Record<string, string>> {
    return streamKey === null ? {} : (this.legs.heldParameters(streamKey) ?? {});
  }

  /** True when this process placed the dial-out whose stream URL carries `dial=streamKey`. */
  holdsParameters(streamKey: string): boolean {
    return this.legs.heldParameters(streamKey) !== undefined;
  }

  /**
   * A call's stream ended: hangs up at Telnyx when {@link shouldHangUp} says so, and forgets the
   * leg. When Telnyx ended the stream itself, `call.hangup` usually follows: the hang-up waits
   * {@link HANGUP_GRACE_MS} for it rather than send a command Telnyx would refuse. A leg another
   * process holds (its stream was routed here) is hung up here if this process takes its shared
   * record; without one, or while the store is away, only its holder could.
   */
  callEnded(session: CallSession, reason: EndReason): void {
    const callControlId = session.callControlId;
    if (callControlId === undefined) return;
    const leg = this.legs.get(callControlId);
    // A reconnected stream may have taken over this call: only the last one decides.
    const current = this.#deps.calls.byCallControlId(callControlId);
    if (current !== undefined && current !== session) return;
    const control = this.#deps.callControl;
    const shared = this.#deps.sharedLegs;
    const maybeHeldElsewhere = leg === undefined && shared !== undefined && shouldHangUp(reason, true, false) && !shouldHangUp(reason, false, false);
    if (control === undefined || !(maybeHeldElsewhere || shouldHangUp(reason, leg !== undefined, leg?.hungUp ?? false))) {
      if (leg !== undefined) this.#dropLeg(callControlId);
      return;
    }
    const sendHangup = (heldElsewhere: boolean): Promise<void> =>
      control.hangup(callControlId).then(
        (outcome) => session.log.info({ callControlId, reason, outcome, heldElsewhere }, 'hung up the telnyx call'),
        (error: unknown) => session.log.warn({ err: error, callControlId, reason, heldElsewhere }, 'could not hang up the telnyx call'),
      );
    const hangUp = (): void => {
      this.#graceHangups.delete(callControlId);
      // Telnyx may have reconnected the stream (TeXML enableReconnect) during the grace: the call goes on.
      const live = this.#deps.calls.byCallControlId(callControlId);
      if (live !== undefined && live !== session) return;
      if (maybeHeldElsewhere) {
        // False too when Telnyx reported the hang-up (anywhere) or nobody holds the leg (a TeXML call).
        this.#track(shared!.claim(callControlId, session.id).then((claimed) => (claimed ? sendHangup(true) : undefined)));
        return;
      }
      this.#dropLeg(callControlId);
      this.#track(sendHangup(false));
    };
    if (!ENDED_BY_TELNYX.has(reason)) {
      hangUp();
      return;
    }
    this.#cancelGraceHangup(callControlId);
    const timer = this.#deps.clock.setTimeout(hangUp, HANGUP_GRACE_MS);
    this.#graceHangups.set(callControlId, { timer, hangUp });
  }

  /** Records every leg still held in the shared store again (it came back empty, or missed writes while away). */
  shareLegsAgain(): void {
    const shared = this.#deps.sharedLegs;
    if (shared === undefined) return;
    for (const leg of this.legs.values()) if (!leg.hungUp) shared.held(leg.callControlId, leg.origin);
  }

  /** Sends every hang-up still waiting out its grace, then resolves once in-flight commands settle, or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    for (const pending of [...this.#graceHangups.values()]) {
      this.#deps.clock.clearTimeout(pending.timer);
      pending.hangUp();
    }
    if (this.#inflight.size === 0) return;
    let timer: TimerHandle;
    const timeout = new Promise<void>((resolve) => (timer = this.#deps.clock.setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.#inflight]), timeout]);
    this.#deps.clock.clearTimeout(timer!);
  }

  #cancelGraceHangup(callControlId: string): void {
    const pending = this.#graceHangups.get(callControlId);
    if (pending === undefined) return;
    this.#deps.clock.clearTimeout(pending.timer);
    this.#graceHangups.delete(callControlId);
  }

  #answer(event: Extract<TelnyxWebhookEvent, { type: 'call.initiated' }>, resolveOrigin: () => PublicOrigin | undefined, log: Logger): void {
    const { callControlId, to } = event;
    const agent = to === undefined ? undefined : this.#deps.catalog.byPhoneNumber(to);
    if (callControlId === undefined || agent === undefined) {
      log.info({ to }, 'no agent for this number; not answering');
      return;
    }
    const refusal = this.#deps.refusing?.();
    if (refusal !== undefined) {
      // Not answered: Telnyx routes the call to the connection's failover or gives up on it.
      log.warn({ to, cause: refusal }, 'not answering a new call');
      return;
    }
    if (this.legs.get(callControlId) !== undefined) return;
    const control = this.#deps.callControl;
    if (control === undefined) {
      log.warn({ agent: `${agent.name}.${agent.org}` }, 'cannot answer: Call Control is off (set TELNYX_API_KEY)');
      return;
    }
    const origin = resolveOrigin();
    if (origin === undefined) {
      // Left unanswered like any call the engine cannot serve; the origin check logged why (rate-limited).
      log.debug({ agent: `${agent.name}.${agent.org}` }, 'not answering: no trusted origin to stream the call to');
      return;
    }
    // A bot with early work (an AI agent's session) starts it now, while Telnyx answers; the stream
    // URL names it so the stream takes it over.
    const preparedKey = this.#deps.preparedCalls !== undefined && callPreparationOf(agent.bot) !== undefined ? randomUUID() : undefined;
    const stream = this.#streamRequest(agent, origin, preparedKey === undefined ? {} : { [PREPARED_KEY_PARAM]: preparedKey });
    if (preparedKey !== undefined) this.#deps.preparedCalls?.prepare(agent, `answered:${preparedKey}`, { callControlId, from: event.from, to, customParameters: agent.customParameters }, log);
    // answer takes no auth token, sampling rate or custom parameters: such streams start on call.answered.
    const needsStreamingStart = stream.authToken !== undefined || stream.samplingRate !== 8000 || Object.keys(stream.customParameters ?? {}).length > 0;
    const leg: CallLeg = {
      callControlId,
      agent,
      origin: 'answered',
      clientState: event.clientState,
      pendingStream: needsStreamingStart ? stream : undefined,
      hungUp: false,
      streamKey: undefined,
      preparedKey: preparedKey === undefined ? undefined : `answered:${preparedKey}`,
      createdAt: this.#deps.now(),
    };
    this.#holdLeg(leg);
    log.info({ agent: `${agent.name}.${agent.org}`, from: event.from, to, streamingStart: needsStreamingStart }, 'answering call');
    this.#track(
      control.answer(callControlId, needsStreamingStart ? undefined : stream, event.clientState).catch((error: unknown) => {
        log.error({ err: error }, 'telnyx refused to answer the call');
        // Only here: another engine may hold this call (a redelivered call.initiated), and its record with it.
        this.legs.delete(callControlId);
        if (preparedKey !== undefined) this.#discardPrepared(`answered:${preparedKey}`, agent);
      }),
    );
  }

  #startStream(leg: CallLeg, log: Logger): void {
    const stream = leg.pendingStream!;
    leg.pendingStream = undefined;
    const control = this.#deps.callControl!;
    this.#track(
      control.startStreaming(leg.callControlId, stream, leg.clientState).catch((error: unknown) => {
        log.error({ err: error }, 'telnyx refused to start the stream; hanging up');
        this.#hangUpLeg(leg, 'streaming_start_failed');
      }),
    );
  }

  /** Tracks a leg this process answered or dialed, here and in the shared store. */
  #holdLeg(leg: CallLeg): void {
    this.legs.add(leg, this.#deps.now());
    this.#deps.sharedLegs?.held(leg.callControlId, leg.origin);
  }

  /** Forgets a leg here and in the shared store. */
  #dropLeg(callControlId: string): void {
    this.legs.delete(callControlId);
    this.#deps.sharedLegs?.forget(callControlId);
  }

  #hangUpLeg(leg: CallLeg, why: string): void {
    this.#dropLeg(leg.callControlId);
    if (leg.preparedKey !== undefined) this.#discardPrepared(leg.preparedKey, leg.agent);
    const control = this.#deps.callControl;
    if (control === undefined || leg.hungUp) return;
    this.#track(
      control.hangup(leg.callControlId).then(
        (outcome) => this.#log.info({ callControlId: leg.callControlId, why, outcome }, 'hung up a call callwire could not serve'),
        (error: unknown) => this.#log.warn({ err: error, callControlId: leg.callControlId, why }, 'could not hang up the telnyx call'),
      ),
    );
  }

  /** The stream an agent's calls get: bidirectional RTP back to the engine, in the agent's format. */
  #streamRequest(agent: AgentDefinition, origin: PublicOrigin, query: Readonly<Record<string, string>>): StreamRequest {
    const format = telnyxStreamFormat(agent.media);
    return {
      url: mediaStreamUrl(origin, `${agent.name}.${agent.org}`, query),
      codec: format.codec,
      samplingRate: format.samplingRate,
      inboundCodec: format.inboundCodec,
      authToken: agent.streamAuthToken,
      customParameters: Object.keys(agent.customParameters).length === 0 ? undefined : agent.customParameters,
    };
  }

  #discardPrepared(key: string, agent: AgentDefinition): void {
    const prepared = this.#deps.preparedCalls?.take(key, agent);
    if (prepared !== undefined) disposeQuietly(prepared, this.#log);
  }

  #requireControl(command: string): CallControl {
    const control = this.#deps.callControl;
    if (control === undefined) {
      throw new CallControlError(CallControlErrorCode.Unavailable, `${command}: Telnyx Call Control is off: set TELNYX_API_KEY (or telnyx.apiKey)`, { command });
    }
    return control;
  }

  #track(promise: Promise<unknown>): void {
    this.#inflight.add(promise);
    const done = (): void => void this.#inflight.delete(promise);
    promise.then(done, done);
  }
}
