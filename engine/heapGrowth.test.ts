import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from './heapGrowth.js';

describe('limitHeapGrowth', () => {
  it('refuses a factor V8 would not make sense of', () => {
    expect(() => limitHeapGrowth(0)).toThrow(RangeError);
    expect(() => limitHeapGrowth(12.5)).toThrow(RangeError);
  });

});
