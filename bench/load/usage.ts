/** Usage of `callwire bench` (the load generator), in `callwire help`'s format; kept apart so help need not load the bench. */
export const LOAD_BENCH_USAGE = `  callwire bench [--calls N[,N…]] [--ramp S] [--duration S] [--profile NAME[,NAME…]] [--seed N]
                 [--fixtures A,B] [--url URL] [--find-max [--max-time S] [--max-calls N]]
                 [--cpu-profile] [--engine-node-options="FLAGS"] [--out DIR] [--no-baseline] [--json]
      Load: N concurrent Telnyx-shaped calls (default 50, ramped over --ramp S, default 5; a list
      runs each count in turn) to the echo agent of a callwire it starts on 127.0.0.1 (pinned to
      core 0, the generator to core 1) or of a running one (--url), through seeded impairment profiles (default clean), for
      --duration S (default 30) after 2 s of settling; then the same load on a bare WebSocket echo.
      Reports CPU per call-second, RSS per call, event-loop delay, outbound pacing error, echo
      round trip, jitter-buffer stats, lost frames and ratios to the bare echo (Markdown on stdout,
      --json: JSON; report.html with charts in --out, default bench/results/<timestamp>/);
      --cpu-profile adds the engine's top functions by self time and its GC share;
      --engine-node-options passes node flags to the engine it starts.
      --find-max doubles the calls (from --calls, default 100) while pacing p99 ≤ 10 ms and event
      loop p99 ≤ 20 ms, then bisects: the largest count that held, per core (≤ --max-time, default
      600 s, ≤ --max-calls, default 2000). callwire bench --help lists every option.`;
