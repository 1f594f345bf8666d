import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** When a {@link DatedCheckout}'s build ran, and a time before and after it. */
export const BUILT_AT = new Date('2026-01-01T12:00:00Z');
/** An hour before {@link BUILT_AT}. */
export const BEFORE = new Date('2026-01-01T11:00:00Z');
/** An hour after {@link BUILT_AT}. */
export const AFTER = new Date('2026-01-01T13:00:00Z');

/** An empty checkout in a temporary folder whose files are written with chosen modification times (build freshness tests). */
export class DatedCheckout {
  readonly root = mkdtempSync(join(tmpdir(), 'callwire-build-'));

  /** Writes an empty `path` under the checkout, modified at `modified`. */
  file(path: string, modified: Date): void {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, '');
    utimesSync(full, modified, modified);
  }
}
