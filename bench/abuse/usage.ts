/** Usage of `callwire bench --abuse`, kept apart so `callwire help` need not load the bench. */
export const ABUSE_USAGE = `  callwire bench --abuse [--attack NAME[,NAME…]] [--duration 2m] [--recovery 30s] [--sources N]
                 [--engine-root DIR] [--from-source] [--engine-node-options="FLAGS"] [--out DIR] [--json]
      Abuse: attacks a callwire it starts on 127.0.0.1 (default configuration plus an agent with a
      stream auth token; pinned to core 0, the attacker to core 1) while one good echo call runs,
      a fresh engine per attack: error-flood, unknown-flood, preauth-flood, silent-sockets,
      slow-webhook, big-frames, big-frames-60k, webhook-replay (default: all, each for --duration,
      default 2m, spread over --sources loopback addresses, default 64). Reports the good call's
      audio kept and longest gap, the engine's peak RSS, RSS --recovery after the attack against
      idle, log size, /healthz latency and open descriptors, against the goals (Markdown on
      stdout, --json: JSON; both in --out, default bench/results/abuse-<timestamp>/). Exits 1 when
      a goal is missed. --engine-root DIR attacks the engine of another checkout: its build when
      that holds its current sources (what npm start runs), else its source through tsx;
      --from-source always attacks the source. --engine-node-options="FLAGS" passes node flags
      to the engine, e.g. --engine-node-options=--max-semi-space-size=4 (with the =).`;
