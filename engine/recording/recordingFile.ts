/** Where a recording goes: a positioned-write file, a `FileHandle` by default, injectable for tests. */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { skipBytes } from '../files/batchedFileWriter.js';

/**
 * The file a recorder writes. Every write names its position (pwrite), so the header can be
 * rewritten in place while the data grows. A `FileHandle` from `fs/promises` is one.
 */
export interface RecordingFile {
  /** Writes the buffers in order from `position`. */
  writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }>;
  /** Writes `buffer[offset, offset + length)` at `position`. */
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

/** File name of a call's recording: the call id with anything unsafe in a file name replaced, and `.wav`. */
export function recordingFileName(callId: string): string {
  return `${callId.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`;
}

/** Opens the file a recording goes to. */
export type OpenRecordingFile = (path: string) => Promise<RecordingFile>;

/** Creates the folder and opens `path` for writing, truncating it. */
export async function openRecordingFile(path: string): Promise<RecordingFile> {
  await mkdir(dirname(path), { recursive: true });
  return open(path, 'w');
}

/**
 * Writes all of `buffers` from `position`, resuming after a short write.
 *
 * @throws Error if the file accepts no bytes; any error of the file's own writes.
 */
export async function writeFullyAt(file: RecordingFile, buffers: Buffer[], position: number): Promise<void> {
  let total = 0;
  for (const buffer of buffers) total += buffer.length;
  let done = (await file.writev(buffers, position)).bytesWritten;
  while (done < total) {
    const written = (await file.writev(skipBytes(buffers, done), position + done)).bytesWritten;
    if (written <= 0) throw new Error(`recording write made no progress at byte ${position + done}`);
    done += written;
  }
}
