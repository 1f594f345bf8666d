/** The paragraph at the top of the load bench's reports that tells a reader what was measured and what to look at. */
import type { BenchReport } from './reportModel.js';

/** How to read a `callwire bench` report, adapted to what this run did (find-max, baseline). */
export function loadBenchHowToRead(report: BenchReport): string {
  const hasBaseline = report.runs.some((run) => run.baseline !== null) || report.findMax.some((search) => search.baseline !== null);
  const parts = [
    'A load generator played Telnyx against a real engine process: it held the given number of concurrent echo calls, each sending 20 ms audio frames, and timed every frame the engine sent back.',
    hasBaseline
      ? '“Server cost” is what the engine process spent per call (CPU, memory, event-loop delay) next to a bare WebSocket echo server measured on the same machine under the same load; the “callwire ÷ baseline” rows are the figures to compare between machines, since absolute figures depend on the hardware.'
      : '“Server cost” is what the engine process spent per call (CPU, memory, event-loop delay); absolute figures depend on the hardware.',
    '“What the caller gets” is the audio as Telnyx would receive it: pacing error (how far each 20 ms frame arrived from its ideal time; a few milliseconds is inaudible), echo delay, concealment and frames lost. Lower is better in every column.',
  ];
  if (report.findMax.length > 0) {
    parts.push('With --find-max, each step adds calls until outbound pacing or the event loop falls behind; the highlighted row is the most calls that held.');
  }
  parts.push('“Goals” says whether the run met what callwire is designed to sustain. Check “Load generator” first: when the generator itself was busy or late, the figures describe the generator more than the engine.');
  return parts.join(' ');
}
