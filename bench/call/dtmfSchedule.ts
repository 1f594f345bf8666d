/** One key press of a `--dtmf` schedule. */
export interface ScheduledKey {
  readonly digit: string;
  /** Milliseconds after the stream starts. */
  readonly atMs: number;
}

/** A `--dtmf` value that cannot be read; the message quotes the bad part and shows the form. */
export class DtmfScheduleError extends Error {
  override readonly name = 'DtmfScheduleError';
  /** Stable code. */
  readonly code = 'CW_DTMF_SCHEDULE';
}

const ENTRY = /^([0-9A-D*#])@(\d+(?:\.\d+)?)(ms|s)$/i;

/**
 * Reads `1@3s,#@9s,2@1500ms` into key presses sorted by time. Keys are those Telnyx reports
 * (0-9, *, #, A-D).
 *
 * @throws DtmfScheduleError naming the entry that is not `KEY@TIME` (`s` or `ms`).
 */
export function parseDtmfSchedule(text: string): ScheduledKey[] {
  const keys: ScheduledKey[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = ENTRY.exec(entry);
    if (match === null) throw new DtmfScheduleError(`--dtmf: cannot read "${entry}"; write KEY@TIME, e.g. 1@3s,#@9.5s,2@1500ms (keys 0-9 * # A-D)`);
    const amount = Number(match[2]);
    keys.push({ digit: match[1]!.toUpperCase(), atMs: Math.round(match[3]!.toLowerCase() === 's' ? amount * 1000 : amount) });
  }
  return keys.sort((a, b) => a.atMs - b.atMs);
}
