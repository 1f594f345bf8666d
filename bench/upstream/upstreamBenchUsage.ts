/** Usage of `callwire bench --upstream`, kept apart so `callwire help` need not load the bench. */
export const UPSTREAM_BENCH_USAGE = `  callwire bench --upstream [--protocol telnyx|twilio] [--calls N] [--latency-seconds S] [--cpu-seconds S] [--json]
      Bot servers behind callwire: forwards calls to a local bot server and measures what callwire
      adds each way (a caller frame out of the jitter buffer to the bot; the bot's frame to Telnyx,
      pacing included), then engine CPU per forwarded call against echo calls in the same run
      (defaults: telnyx protocol, 20 calls, 10 s of latency, 20 s per CPU phase).`;
