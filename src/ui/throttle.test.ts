import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from './throttle.ts';

describe('throttled progress', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the first value at once, then at most one per interval, always the newest', () => {
    const shown: number[] = [];
    const t = throttled((v: number) => shown.push(v), 250);
    t.push(1);
    vi.advanceTimersByTime(0);
    expect(shown).toEqual([1]);
    // A file a millisecond for a second: four more paints, not a thousand.
    for (let i = 2; i <= 1001; i++) {
      t.push(i);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(250);
    expect(shown.length).toBeLessThanOrEqual(6);
    expect(shown.at(-1)).toBe(1001);
    for (let i = 1; i < shown.length; i++) expect(shown[i]!).toBeGreaterThan(shown[i - 1]!);
  });

  it('drops what was not shown yet when cancelled', () => {
    const shown: string[] = [];
    const t = throttled((v: string) => shown.push(v), 250);
    t.push('a');
    vi.advanceTimersByTime(0);
    t.push('b');
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(shown).toEqual(['a']);
  });
});
