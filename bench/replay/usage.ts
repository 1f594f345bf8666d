/** Usage of `callwire replay`, kept apart so `callwire help` need not load the replay code. */
export const REPLAY_USAGE = `  callwire replay CAPTURE [--url URL] [--wav OUT.wav] [--speed X] [--first SECONDS] [--json]
                 [--save OUT.capture.jsonl] [--keep-marks] [--linger MS]
      Plays one capture (bench/capture/FORMAT.md; e.g. bench/fixtures/*.capture.jsonl) as Telnyx
      would: opens the WebSocket (default ws://127.0.0.1:8080/ws/telnyx?serviceHost=<the capture's>),
      sends every inbound message byte for byte at its recorded time, plays what comes back in real
      time (echoing each mark once its audio has played, and at once on clear), closes as the
      capture did if the engine has not, and prints a Markdown report (--json: JSON instead):
      marks, clears, first-audio latency, outbound pacing, audio received. --wav writes the
      received audio, decoded with the outbound codec (the capture's, else PCMU). --first cuts the
      call after that many seconds (its stop and close moved to the cut). --save writes what was
      sent and received as a capture. Captured mark echoes are left out unless --keep-marks.
      Exit 1 if the connection fails or the engine closes the stream before any media went out.`;
