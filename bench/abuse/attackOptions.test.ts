import { describe, expect, it } from 'vitest';
import { AddressRotation, checkBaseOptions, isLoopbackAddress, loopbackAddresses } from './attackOptions.js';

describe('attack options', () => {
  it('lists loopback source addresses from 127.0.0.2, leaving 127.0.0.1 to the good call', () => {
    expect(loopbackAddresses(3)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(loopbackAddresses(300).at(-1)).toBe('127.0.1.45');
    expect(loopbackAddresses(300).every(isLoopbackAddress)).toBe(true);
  });

  it('accepts only 127.0.0.0/8 host addresses as sources', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.4.5.6')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('127.0.0.256')).toBe(false);
    expect(isLoopbackAddress('127.255.255.255')).toBe(false);
    expect(() => checkBaseOptions({ port: 8080, count: 1, durationMs: 10, sourceAddresses: ['192.168.1.5'] }, 10)).toThrow(/not a loopback/);
  });

  it('refuses counts and durations outside their bounds', () => {
    expect(() => checkBaseOptions({ port: 8080, count: 11, durationMs: 10 }, 10)).toThrow(/count/);
    expect(() => checkBaseOptions({ port: 8080, count: 1, durationMs: 0 }, 10)).toThrow(/durationMs/);
    expect(() => checkBaseOptions({ port: 8080, count: 1, durationMs: 31 * 60_000 }, 10)).toThrow(/durationMs/);
    expect(() => checkBaseOptions({ port: 0, count: 1, durationMs: 10 }, 10)).toThrow(/port/);
  });

  it('rotates through its addresses, and uses 127.0.0.1 when given none', () => {
    const rotation = new AddressRotation(['127.0.0.2', '127.0.0.3']);
    expect([rotation.next(), rotation.next(), rotation.next()]).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.2']);
    expect(new AddressRotation([]).next()).toBe('127.0.0.1');
  });
});
