/** Usage of `callwire call`. */
export const CALL_USAGE = `  callwire call AGENT.ORG --wav IN.wav [--out OUT.wav] [--dtmf 1@3s,#@9s] [--url ws://127.0.0.1:8080]
                [--token TOKEN] [--codec PCMU|PCMA|L16] [--param NAME=VALUE ...] [--tail MS] [--max-seconds S]
      Places one local call to an agent, as Telnyx would stream it: the WAV is the caller (in real
      time), keys are pressed at the given times. Prints what happened (the bot's audio, marks,
      clears, keys, how the call ended, reply delays) and writes what the bot said to --out.`;
