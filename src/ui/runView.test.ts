import { describe, expect, it } from 'vitest';
import type { LeakCheck, Progress } from './run.ts';
import { leakSentence, progressText } from './runView.ts';

const MB = 1024 * 1024;

describe('the progress line', () => {
  const p: Progress = {
    phase: 'processing',
    filesDone: 312,
    filesTotal: 1204,
    bytesDone: 150 * MB,
    bytesTotal: 600 * MB,
    startedAt: 0,
  };

  it('says files and MB done, the rate and the time left', () => {
    // 150 MB in 10 s: 15 MB/s, so the 450 MB left take 30 s.
    expect(progressText(p, 10_000)).toBe('312 of 1,204 files · 150 MB of 600 MB · 15 MB/s · about 30 s left');
  });

  it('gives no rate or estimate in the first half second, and no time left once every file is done', () => {
    expect(progressText(p, 200)).toBe('312 of 1,204 files · 150 MB of 600 MB');
    const done = { ...p, filesDone: 1204, bytesDone: 600 * MB };
    expect(progressText(done, 20_000)).toBe('1,204 of 1,204 files · 600 MB of 600 MB · 30 MB/s');
  });
});

describe('the leak check sentence', () => {
  const base: LeakCheck = { files: 1204, leaking: 0, values: 9, found: [], unreadable: [] };

  it('states a clean result with what was searched for', () => {
    expect(leakSentence(base)).toBe(
      'Leak check: 0 of 1,204 files contain any of the 9 identifying strings found in the input.',
    );
  });

  it('names what was found when a file still holds identifying text', () => {
    expect(leakSentence({ ...base, leaking: 2, found: ['MÜLLER'] })).toBe(
      'Leak check: 2 of 1,204 files still contain identifying text (MÜLLER). Do not share them.',
    );
  });
});
