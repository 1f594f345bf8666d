import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../engine/logger.js';

/** One turn of an AI conversation. */
export interface TranscriptTurn {
  readonly role: 'user' | 'assistant';
  /** The provider's item id. */
  readonly itemId: string;
  /** What was said; for an interrupted assistant turn, only what the caller heard. */
  readonly text: string;
  /** When the turn's transcript arrived (ISO 8601). */
  readonly at: string;
  /** Milliseconds since the call started. */
  readonly offsetMs: number;
  /** The caller cut this assistant turn off. */
  readonly interrupted?: true;
  /** For an interrupted turn: the whole text the model had generated. */
  readonly generatedText?: string;
}

/** What a call's AI conversation added up to. */
export interface ConversationSummary {
  userTurns: number;
  assistantTurns: number;
  interruptions: number;
  inputTokens: number;
  outputTokens: number;
}

/** Hooks an agent configured in code (callwire.config.ts) may set under `transcripts`. */
export interface TranscriptHooks {
  /** Each turn as its transcript arrives (an interrupted one again, cut, when the cut is known). */
  readonly onTurn?: ((turn: TranscriptTurn, callId: string) => void) | undefined;
  /** The whole conversation when the call ends. */
  readonly onEnd?: ((transcript: { readonly callId: string; readonly turns: readonly TranscriptTurn[]; readonly summary: ConversationSummary }) => void) | undefined;
}

/** Transcript settings of an agent (`options.transcripts`). */
export interface TranscriptOptions extends TranscriptHooks {
  /** Folder for `<call id>.transcript.jsonl`; unset: nothing is written (transcripts are personal data). */
  readonly dir?: string | undefined;
}

/**
 * The text of `text` a listener heard when `heardShare` (0 to 1) of its audio played: cut in
 * proportion, back to the last whole word.
 */
export function heardText(text: string, heardShare: number): string {
  if (heardShare >= 1) return text;
  if (heardShare <= 0) return '';
  const cut = Math.round(text.length * heardShare);
  const end = text.lastIndexOf(' ', cut);
  return (end > 0 ? text.slice(0, end) : text.slice(0, cut)).trimEnd();
}

/**
 * A call's transcript: turns in order, an assistant turn cut where the caller stopped hearing it
 * (whichever of its transcript and its interruption comes first), written as JSON Lines when the
 * agent asks, and handed to its hooks.
 */
export class CallTranscript {
  readonly turns: TranscriptTurn[] = [];
  private readonly cuts = new Map<string, number>();
  private file: WriteStream | undefined;

  constructor(
    private readonly callId: string,
    private readonly startedAt: number,
    private readonly now: () => number,
    private readonly options: TranscriptOptions | undefined,
    private readonly log: Logger,
  ) {}

  /** A finished transcript of one side's turn. */
  add(role: 'user' | 'assistant', itemId: string, text: string): void {
    const share = role === 'assistant' ? this.cuts.get(itemId) : undefined;
    const base = { role, itemId, at: new Date().toISOString(), offsetMs: Math.round(this.now() - this.startedAt) };
    const turn: TranscriptTurn = share === undefined ? { ...base, text } : { ...base, text: heardText(text, share), interrupted: true, generatedText: text };
    this.turns.push(turn);
    this.emit(turn);
  }

  /** The caller cut assistant item `itemId` off after hearing `heardShare` (0 to 1) of its audio. */
  interrupted(itemId: string, heardShare: number): void {
    this.cuts.set(itemId, heardShare);
    const index = this.turns.findLastIndex((turn) => turn.itemId === itemId && turn.role === 'assistant');
    if (index < 0) return;
    const whole = this.turns[index]!;
    const cut: TranscriptTurn = { ...whole, text: heardText(whole.generatedText ?? whole.text, heardShare), interrupted: true, generatedText: whole.generatedText ?? whole.text };
    this.turns[index] = cut;
    this.emit(cut);
  }

  /** The call ended: hands the whole transcript to the hook and closes the file. */
  end(summary: ConversationSummary): void {
    this.safely('onEnd', () => this.options?.onEnd?.({ callId: this.callId, turns: this.turns, summary }));
    this.file?.end();
    this.file = undefined;
  }

  private emit(turn: TranscriptTurn): void {
    this.safely('onTurn', () => this.options?.onTurn?.(turn, this.callId));
    const dir = this.options?.dir;
    if (dir === undefined) return;
    if (this.file === undefined) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        this.log.warn({ err: error, dir }, 'cannot write the call transcript');
        return;
      }
      this.file = createWriteStream(join(dir, `${this.callId}.transcript.jsonl`), { flags: 'a' });
      this.file.on('error', (error) => this.log.warn({ err: error, dir }, 'cannot write the call transcript'));
    }
    this.file.write(`${JSON.stringify(turn)}\n`);
  }

  private safely(hook: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.log.warn({ err: error, hook }, 'transcript hook failed; the call goes on');
    }
  }
}
