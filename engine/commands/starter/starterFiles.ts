/**
 * The files `callwire init` writes: a configuration, one bot and a tsconfig, enough to run
 * `npx callwire serve` and talk to the bot with `npx callwire call` or the browser.
 */

/** `callwire.config.ts`: one organization, one agent, on the loopback address. */
export const STARTER_CONFIG = `import { defineConfig } from 'callwire';

// Agents are reached as AGENT.ORG: point a Telnyx <Stream> at
// wss://YOUR-HOST/ws/telnyx?serviceHost=hello.mine
export default defineConfig({
  // Loopback only until you put a TLS proxy in front (see callwire's deployment guide).
  host: '127.0.0.1',
  port: 8080,
  // Signed call events (call.started, call.ended, …) for your app: set CALLWIRE_EVENTS_URL and
  // CALLWIRE_EVENTS_SECRET, or write events: { url, secret } here. To watch them locally, run
  // \`npx callwire events listen\` with the same CALLWIRE_EVENTS_SECRET.
  organizations: {
    mine: {
      agents: {
        hello: { bot: './bots/hello.ts' },
      },
    },
  },
});
`;

/** `bots/hello.ts`: greets with a chime, repeats the caller, reacts to keys. */
export const STARTER_BOT = `import { defineBot } from 'callwire';

/** A rising two-note chime, 400 ms, at the call's sample rate. */
function chime(sampleRate: number): Int16Array {
  const samples = new Int16Array(Math.round(sampleRate * 0.4));
  for (let i = 0; i < samples.length; i++) {
    const hz = i < samples.length / 2 ? 660 : 880;
    samples[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 6000);
  }
  return samples;
}

/** Answers with a chime, then repeats what the caller says a moment later. # hangs up; other keys cut the bot off. */
export default defineBot({
  name: 'hello',
  create: ({ call, output, hangup, log }) => {
    log.info({ from: call.from, to: call.to }, 'hello: answering');
    output.play(chime(output.sampleRate));
    output.mark('greeted');
    // Everything the caller says comes back 300 ms later: callwire holds the delay.
    output.setPrebufferMs(300);
    return {
      // Runs every 20 ms with the caller's audio; keep it fast and synchronous.
      audio(frame) {
        output.play(frame.samples, 0, frame.sampleCount);
      },
      dtmf(digit) {
        log.info({ digit }, 'hello: key pressed');
        if (digit === '#') hangup();
        else output.clear();
      },
      mark(name) {
        log.info({ mark: name }, 'hello: the caller heard it');
      },
      stop(reason) {
        log.info({ reason }, 'hello: call ended');
      },
    };
  },
});
`;

/** `tsconfig.json`: for the editor and `tsc --noEmit`; callwire itself loads the files without a build. */
export const STARTER_TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["callwire.config.ts", "bots"]
}
`;

/** `package.json` for a folder that has none: ES modules, and the commands at hand. */
export const STARTER_PACKAGE = `{
  "name": "my-callwire-bots",
  "private": true,
  "type": "module",
  "scripts": {
    "start": "callwire serve",
    "call": "callwire call hello.mine --wav"
  }
}
`;
