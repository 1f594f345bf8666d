/**
 * Entry point of the load-generator child process (pinned to its own core by the parent). Waits for
 * `run` messages over IPC, runs each plan and sends back progress, window edges and the result.
 * Fixtures are loaded once and kept for later runs.
 */
import { FixtureFrames } from './fixtureFrames.js';
import { runLoad } from './loadRunner.js';
import type { GeneratorMessage, LoadPlan, ParentMessage } from './protocol.js';

const fixtureCache = new Map<string, Promise<FixtureFrames>>();

function send(message: GeneratorMessage): void {
  process.send?.(message);
}

async function fixturesFor(paths: readonly string[]): Promise<FixtureFrames[]> {
  return Promise.all(
    paths.map((path) => {
      let loading = fixtureCache.get(path);
      if (loading === undefined) {
        loading = FixtureFrames.load(path);
        fixtureCache.set(path, loading);
      }
      return loading;
    }),
  );
}

async function run(plan: LoadPlan): Promise<void> {
  try {
    const fixtures = await fixturesFor(plan.fixtures);
    const result = await runLoad(plan, fixtures, {
      progress: (progress) => send({ type: 'progress', progress }),
      window: (edge) => send({ type: 'window', runId: plan.runId, edge }),
    });
    send({ type: 'result', result });
  } catch (error) {
    send({ type: 'error', runId: plan.runId, message: error instanceof Error ? error.message : String(error) });
  }
}

if (process.send === undefined) {
  process.stderr.write('generatorMain: start me from callwire bench (needs an IPC channel)\n');
  process.exit(2);
}
process.on('message', (message: ParentMessage) => {
  if (message.type === 'exit') process.exit(0);
  else void run(message.plan);
});
// The parent going away leaves nobody to report to.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
