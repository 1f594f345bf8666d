import { describe, expect, it } from 'vitest';
import { EngineMetrics, type LiveCallView } from './metrics.js';
import type { CallSummary } from './engineStats.js';

const SUMMARY: CallSummary = {
  reason: 'bot_error',
  durationMs: 3000,
  framesIn: 150,
  framesOut: 140,
  messagesOut: 50,
  rejectedFrames: 2,
  jitter: { ticks: 150, concealedFrames: 3, silenceFrames: 0, underruns: 1, late: 0, lost: 3, addedDelayMeanMs: 25, addedDelayP95Ms: 40 },
};

describe('EngineMetrics', () => {
  it('exposes live calls by agent and state, and totals that include live and ended calls', async () => {
    const live: LiveCallView[] = [
      { agentKey: 'echo.default', state: 'streaming', framesIn: 10, framesOut: 9, concealedFrames: 1, playoutTicks: 10 },
      { agentKey: 'echo.default', state: 'streaming', framesIn: 5, framesOut: 5, concealedFrames: 0, playoutTicks: 5 },
    ];
    const metrics = new EngineMetrics(() => live);
    metrics.callEnded('menu.default', SUMMARY, new Map([['CW_MALFORMED_JSON', 2]]));
    metrics.connectionRejected('unknown_agent');
    metrics.pacerTick(1.5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('callwire_calls_active{agent="echo.default",state="streaming"} 2');
    expect(text).toContain('callwire_calls_ended_total{agent="menu.default",reason="bot_error"} 1');
    expect(text).toContain('callwire_bot_errors_total{agent="menu.default"} 1');
    expect(text).toContain('callwire_frames_in_total 165');
    expect(text).toContain('callwire_frames_out_total 154');
    expect(text).toContain('callwire_jitter_concealed_frames_total 4');
    expect(text).toContain('callwire_connections_rejected_total{cause="unknown_agent"} 1');
    expect(text).toContain('callwire_inbound_frames_rejected_total{code="CW_MALFORMED_JSON"} 2');
    expect(text).toContain('callwire_jitter_added_delay_ms_count 1');
    expect(text).toContain('callwire_pacing_lateness_ms_bucket{le="2"} 1');
    expect(text).toContain('callwire_process_nodejs_eventloop_lag_p99_seconds');
    expect(text).toContain('callwire_webhook_ids_remembered 0');
    metrics.watchWebhookIds(() => 42);
    expect(await metrics.registry.metrics()).toContain('callwire_webhook_ids_remembered 42');
    live.length = 0;
    expect(await metrics.registry.metrics()).not.toContain('callwire_calls_active{');
  });
});
