import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';

describe('crc32', () => {
  it('gives the standard check value and zlib’s results', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('is the same whatever the length, offset and chunking', () => {
    const b = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    const whole = crc32(b);
    expect(crc32(b.subarray(600), crc32(b.subarray(0, 600)))).toBe(whole);
    // Unaligned views of a larger buffer read the right bytes.
    const padded = new Uint8Array(1003);
    padded.set(b, 3);
    expect(crc32(padded.subarray(3))).toBe(whole);
    for (let n = 0; n < 40; n++) expect(crc32(b.subarray(0, n), 0)).toBe(crc32(Uint8Array.from(b.subarray(0, n))));
  });
});
