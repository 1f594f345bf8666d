/** The softphone page; its behaviour is `web/try/app.ts`, served compiled under `/try/app/`. */
export const TRY_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>callwire · try an agent</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/try/style.css">
<script type="module" src="/try/app/app.js"></script>
</head>
<body>
<main>
<h1>Try an agent</h1>
<p class="hint">Your browser calls the agent over the same media stream Telnyx uses. Use headphones for AI agents.</p>
<form id="call-form">
  <label for="agent">Agent</label>
  <select id="agent" required></select>
  <div id="token-row" hidden>
    <label for="token">Stream token</label>
    <input id="token" type="password" autocomplete="off" spellcheck="false">
  </div>
  <label for="codec">Audio</label>
  <select id="codec">
    <option value="PCMU">µ-law, 8 kHz (like a phone call)</option>
    <option value="L16">L16, 16 kHz</option>
  </select>
  <label class="check"><input id="voice-processing" type="checkbox" checked> Echo cancellation and noise suppression</label>
  <div class="buttons">
    <button id="call" type="submit">Call</button>
    <button id="hangup" type="button" disabled>Hang up</button>
  </div>
</form>
<p id="status" role="status" aria-live="polite" data-state="idle">Pick an agent and press Call.</p>
<section aria-labelledby="keypad-title">
  <h2 id="keypad-title">Keypad</h2>
  <div id="keypad" class="keypad" role="group" aria-label="DTMF keys">
    ${['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((key) => `<button type="button" data-key="${key}" disabled>${key}</button>`).join('')}
  </div>
</section>
<section aria-labelledby="figures-title">
  <h2 id="figures-title">Live figures</h2>
  <dl id="figures" class="figures">
    <dt>Sent to the agent</dt><dd id="fig-sent-frames" data-value="0">0 frames</dd>
    <dt>Received from the agent</dt><dd id="fig-received" data-value="0">0 messages, 0 bytes</dd>
    <dt>Arrival jitter</dt><dd id="fig-arrival-jitter" data-value="0">0 ms</dd>
    <dt>Late arrivals (over 60 ms)</dt><dd id="fig-late" data-value="0">0</dd>
    <dt>Your playout buffer</dt><dd id="fig-buffer" data-value="0">0 ms</dd>
    <dt>Playout buffer ran dry</dt><dd id="fig-underruns" data-value="0">0</dd>
    <dt>Dropped to keep the delay down</dt><dd id="fig-dropped" data-value="0">0 ms</dd>
    <dt>Level played (RMS)</dt><dd id="fig-rms" data-value="0">−∞ dBFS</dd>
    <dt>Marks played / received</dt><dd id="fig-marks" data-value="0">0 / 0</dd>
    <dt>Clears</dt><dd id="fig-clears" data-value="0">0</dd>
    <dt>Keys sent</dt><dd id="fig-keys" data-value="">none</dd>
    <dt>Engine jitter buffer</dt><dd id="fig-engine-delay" data-value="0">–</dd>
    <dt>Engine concealment</dt><dd id="fig-engine-concealed" data-value="0">–</dd>
  </dl>
</section>
<section aria-labelledby="transcript-title" id="transcript-section" hidden>
  <h2 id="transcript-title">Transcript</h2>
  <ol id="transcript" class="transcript" aria-live="polite"></ol>
</section>
</main>
</body>
</html>
`;

/** The page's styles: one column on a phone, the keypad and figures side by side on a wide screen. */
export const TRY_PAGE_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.4; }
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.hint { margin: 0 0 1rem; opacity: .8; }
form { display: grid; gap: .4rem; }
label { font-weight: 600; }
label.check { font-weight: normal; display: flex; gap: .5rem; align-items: center; }
select, input[type=password] { width: 100%; }
select, input[type=password], button { font: inherit; padding: .6rem; border-radius: .4rem; min-height: 2.75rem; }
.buttons { display: flex; gap: .5rem; margin-top: .5rem; }
.buttons button { flex: 1; }
button { border: 1px solid currentColor; background: transparent; color: inherit; cursor: pointer; }
#call:not(:disabled) { background: #176b2c; color: #fff; border-color: #176b2c; }
#hangup:not(:disabled) { background: #a11a1a; color: #fff; border-color: #a11a1a; }
button:disabled { opacity: .45; cursor: default; }
:focus-visible { outline: 3px solid #2b6cd4; outline-offset: 2px; }
#status { padding: .6rem; border-radius: .4rem; background: rgba(127, 127, 127, .15); }
#status[data-state=refused], #status[data-state=failed] { background: rgba(200, 40, 40, .2); }
.keypad { display: grid; grid-template-columns: repeat(3, 1fr); gap: .5rem; max-width: 18rem; }
.keypad button { font-size: 1.25rem; }
.figures { display: grid; grid-template-columns: 1fr auto; gap: .25rem 1rem; margin: 0; }
.figures dt { opacity: .85; }
.figures dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.transcript { margin: 0; padding-left: 1.25rem; }
.transcript li { margin: .25rem 0; }
.transcript .role { font-weight: 600; }
.transcript .cut { opacity: .7; font-style: italic; }
@media (min-width: 48rem) { main { max-width: 56rem; } }
`;
