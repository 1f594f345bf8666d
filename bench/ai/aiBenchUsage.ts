/** Usage of `callwire bench --ai`, kept apart so `callwire help` need not load the bench. */
export const AI_BENCH_USAGE = `  callwire bench --ai [--provider openai|gemini] [--calls N] [--turns N] [--hear-ms MS] [--cpu-seconds S] [--json]
      AI agents: starts callwire with an openai-realtime (or gemini-live) agent pointed at a local
      fake of the provider's API (zero think time) and measures what the engine adds: the model's
      audio to the first byte at Telnyx, the model's barge-in cue to clear at Telnyx, audio_end_ms
      against what Telnyx played (OpenAI), and engine CPU per AI call against echo calls in the
      same run (defaults: 20 calls, 5 turns, 600 ms heard before each interruption, 20 s per CPU phase).`;

