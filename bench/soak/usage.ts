/** Usage of `callwire bench --soak`, kept apart so `callwire help` need not load the bench. */
export const SOAK_USAGE = `  callwire bench --soak DURATION [--concurrency N] [--call-seconds S] [--sample-seconds S] [--warmup S] [--out DIR] [--json]
      Soak: runs thousands of short echo calls back to back (N at a time, default 40, each S
      seconds long, default 2) against a callwire it starts on 127.0.0.1 (pinned to its own core
      where there are two), for DURATION (e.g. 600s or 10m), sampling the engine's heap and RSS
      every --sample-seconds (default 15). Reports heap and RSS over time and their trend after
      the warm-up (default 120 s): after warm-up both should stay flat. Prints a Markdown summary
      (--json: JSON) and writes report.html with charts, summary.md and results.json to --out
      (default bench/results/soak-<timestamp>/).`;
