import { describe, expect, it } from 'vitest';
import { MemoryRecordingFile } from './memoryRecordingFile.js';
import { recordingFileName, writeFullyAt } from './recordingFile.js';

describe('recordingFile', () => {
  it('names a recording after its call, with nothing that could leave the folder', () => {
    expect(recordingFileName('v3:abc/../x y')).toBe('v3_abc_.._x_y.wav');
  });

  it('writeFullyAt resumes short writes at the right position', async () => {
    const file = new MemoryRecordingFile();
    file.maxBytesPerWrite = 3;
    await writeFullyAt(file, [Buffer.from('abcd'), Buffer.from('efgh')], 2);
    expect(file.snapshot().subarray(2).toString()).toBe('abcdefgh');
    expect(file.dataWrites).toBe(3);
  });

  it('writeFullyAt gives up on a file that accepts nothing', async () => {
    const file = new MemoryRecordingFile();
    file.maxBytesPerWrite = 0;
    await expect(writeFullyAt(file, [Buffer.from('ab')], 0)).rejects.toThrow(/no progress/);
  });
});
