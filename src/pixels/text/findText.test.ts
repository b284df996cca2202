import { describe, expect, it } from 'vitest';
import { checkFrames, sampleFrames } from './findText.ts';

/** The frames a static image is read back on: the sampled ones and the check frames between them. */
const readBack = (count: number): number[] => [...sampleFrames(count), ...checkFrames(count)].sort((a, b) => a - b);

describe('which frames of a cine are read', () => {
  it('samples first, quarter, middle, three quarters and last; checks the midpoints between', () => {
    expect(sampleFrames(100)).toEqual([0, 25, 50, 75, 99]);
    expect(checkFrames(100)).toEqual([12, 37, 62, 87]);
    expect(sampleFrames(12)).toEqual([0, 3, 6, 9, 11]);
    expect(checkFrames(12)).toEqual([1, 4, 7, 10]);
    for (const count of [1, 2, 3]) expect(checkFrames(count)).toEqual([]);
  });

  it('reads back frames finding did not use, at most four more, the last frame among those read', () => {
    for (let count = 1; count <= 500; count++) {
      const sampled = sampleFrames(count);
      const check = checkFrames(count);
      expect(
        check.filter((i) => sampled.includes(i)),
        `count ${count}`,
      ).toEqual([]);
      expect(new Set(check).size).toBe(check.length);
      expect(check.every((i) => i >= 0 && i < count)).toBe(true);
      expect(check.length).toBeLessThanOrEqual(4);
      expect(readBack(count)).toContain(count - 1);
    }
  });

  it('spreads the read-back evenly: no stretch of a long cine longer than an eighth goes unread', () => {
    for (const count of [16, 50, 100, 333, 1000]) {
      const frames = readBack(count);
      const gaps = frames.slice(1).map((f, i) => f - frames[i]!);
      expect(Math.max(...gaps), `count ${count}`).toBeLessThanOrEqual(Math.ceil(count / 8) + 1);
    }
  });
});
