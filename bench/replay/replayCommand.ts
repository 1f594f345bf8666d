/** `callwire replay`: plays one capture against an engine exactly as Telnyx would, and reports. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeWav } from '../../bots/wav/writeWav.js';
import { encodeCapture } from '../capture/encodeCapture.js';
import { readCapture } from '../capture/readCapture.js';
import { cutCapture } from './cutCapture.js';
import { replayAsCapture } from './replayCapture.js';
import { replayMarkdown } from './replayMarkdown.js';
import { planReplay } from './replayPlan.js';
import { buildReplayReport } from './replayReport.js';
import { runReplay } from './replaySession.js';
import { REPLAY_USAGE } from './usage.js';

export { REPLAY_USAGE };

/** Usage of `callwire replay`. */

/** Runs `callwire replay`; resolves to the exit code (0 done, 1 connection, refusal or file error, 2 usage). */
export async function runReplayCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        wav: { type: 'string' },
        speed: { type: 'string', default: '1' },
        first: { type: 'string' },
        json: { type: 'boolean', default: false },
        save: { type: 'string' },
        'keep-marks': { type: 'boolean', default: false },
        linger: { type: 'string', default: '2000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage:\n${REPLAY_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) return usageError('give exactly one capture file');
  const speed = Number(values.speed);
  const lingerMs = Number(values.linger);
  const firstSeconds = values.first === undefined ? undefined : Number(values.first);
  if (!(speed > 0) || !Number.isFinite(speed)) return usageError(`--speed must be a positive number, got "${values.speed}"`);
  if (!(lingerMs >= 0)) return usageError(`--linger must be a number of ms ≥ 0, got "${values.linger}"`);
  if (firstSeconds !== undefined && !(firstSeconds > 0)) return usageError(`--first must be a positive number of seconds, got "${values.first}"`);

  const path = positionals[0]!;
  let capture;
  try {
    capture = await readCapture(path);
  } catch (error) {
    process.stderr.write(`callwire replay: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (firstSeconds !== undefined) capture = cutCapture(capture, firstSeconds * 1000);
  const plan = planReplay(capture, { keepCapturedMarks: values['keep-marks'] });
  const url = values.url ?? `ws://127.0.0.1:8080/ws/telnyx?serviceHost=${encodeURIComponent(plan.serviceHost)}`;

  const startedAt = new Date();
  let recording;
  try {
    recording = await runReplay(plan, { url, speed, lingerMs });
  } catch (error) {
    process.stderr.write(`callwire replay: cannot connect to ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { report, pcm } = buildReplayReport(recording);
  if (values.wav !== undefined) await writeFile(values.wav, writeWav(pcm, report.audio.sampleRate));
  if (values.save !== undefined) await writeFile(values.save, encodeCapture(replayAsCapture(recording, startedAt)));
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : replayMarkdown(report, values.wav));
  const plannedMedia = plan.sends.some((item) => item.event === 'media');
  if (plannedMedia && report.sent.media === 0 && report.close.by === 'engine') {
    process.stderr.write(`callwire replay: the engine refused the stream (${report.close.code} ${report.close.reason})\n`);
    return 1;
  }
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`callwire replay: ${message}\n\nUsage:\n${REPLAY_USAGE}\n`);
  return 2;
}
