/**
 * How much audio callwire should send ahead to Telnyx: an answer of 4 s queued at once (a prompt, a
 * TTS or AI reply) plays over the real engine on 127.0.0.1 while the simulated Telnyx stops reading
 * its socket for a while, as a stalled TCP path would; the table gives the longest gap the caller
 * would hear for each stall and each lead. Run: `npx tsx bench/telnyx/outboundMarginSweep.ts`.
 */
import { buildAgent } from '../../engine/agent.js';
import { startBenchEngine } from './benchEngine.js';
import { gapsAfterStall, readyAnswerBot } from './stalledPath.js';

const STALLS_MS = [60, 120, 180, 250, 400];
const LEADS = [1, 5, 10, 15, 20];
const REPEATS = 3;

const agents = LEADS.map((lead) => buildAgent('bench', `lead${lead}`, readyAnswerBot, 'ready-answer', { media: { outbound: { leadFrames: lead } } }));
const engine = await startBenchEngine(agents);
const rows: string[] = [];
for (const lead of LEADS) {
  const cells: string[] = [];
  for (const stall of STALLS_MS) {
    let worst = 0;
    for (let i = 0; i < REPEATS; i++) worst = Math.max(worst, 0, ...(await gapsAfterStall(engine.url(`lead${lead}`), stall)));
    cells.push(worst.toFixed(0));
  }
  rows.push(`| ${lead * 20} ms | ${cells.join(' | ')} |`);
}
await engine.close();
process.stdout.write(
  [
    `Longest gap the caller hears (ms, worst of ${REPEATS}) when the path to Telnyx stalls, by lead sent ahead`,
    '',
    `| lead | ${STALLS_MS.map((stall) => `stall ${stall} ms`).join(' | ')} |`,
    `| --- | ${STALLS_MS.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n'),
);
