import { describe, expect, it } from 'vitest';
import { formsOf } from '../../deid/Identity.ts';
import { type Box, mergeBoxes, pad } from './Box.ts';
import { fold, isAllowed, isIdLike, PixelIdentity, risksIn } from './classify.ts';

const kinds = (text: string, identity?: PixelIdentity) => [...new Set(risksIn(text, identity).map((r) => r.kind))];

describe('what text read from pixels is', () => {
  it('finds dates in the formats devices print', () => {
    for (const d of [
      '2024-03-01',
      '01/03/2024',
      '01.03.24',
      '20240301',
      '1 Mar 2024',
      '01-MAR-2024',
      'March 1, 2024',
      'Mar 2024',
      '03/2024',
      '2024/3/1',
      '2024年3月1日',
      'Exam 1.3.2024 done',
    ])
      expect(kinds(d), d).toContain('date');
  });

  it('finds times and ID-like tokens', () => {
    for (const t of ['12:34', '12:34:56', '9.41 am', '08h15']) expect(kinds(t), t).toContain('time');
    for (const id of ['1234567', 'PID4471182', 'MRN-00123', 'AB123', '12345']) expect(isIdLike(id), id).toBe(true);
    for (const safe of ['5.0cm', '12MHz', 'C5-1', 'L12-5', '60dB', '1234', 'Gain'])
      expect(isIdLike(safe), safe).toBe(false);
  });

  it('keeps orientation letters, scale marks, units and probe figures, and nothing identifying', () => {
    for (const s of ['R', 'L', 'A', 'P', 'LAO', '5.0cm', '12MHz', '30fps', 'cm', '10', '2.5', 'C5-1', '60dB', '"R"'])
      expect(isAllowed(s), s).toBe(true);
    for (const s of ['2024-03-01', '12:34', '1234567', 'MULLER', 'r', 'Patient', 'ID', 'PID4471182'])
      expect(isAllowed(s), s).toBe(false);
  });

  it('matches identity strings as OCR reads them: folded, split, one slip away', () => {
    const id = new PixelIdentity([...formsOf('name', 'MÜLLER^JÖRG'), 'PID4471182']);
    expect(fold('MÜLLER Jörg Straße')).toBe('MULLER JORG STRASSE');
    expect(kinds('MULLER, JORG', id)).toContain('identity');
    expect(kinds('Müller', id)).toContain('identity');
    expect(kinds('MULLFR', id)).toContain('identity'); // one misread letter
    expect(kinds('PID447II82', id)).toContain('identity'); // two slips in ten characters
    expect(kinds('MILLER', new PixelIdentity(['SMITH']))).toEqual([]);
    expect(kinds('Gain 50 5.0cm', id)).toEqual([]);
  });

  it('matches Latin-1 and UTF-8 names from the header (French, Nordic)', () => {
    const id = new PixelIdentity([...formsOf('name', 'GARÇON^HÉLÈNE'), ...formsOf('name', 'SØRENSEN^ÅSA')]);
    expect(kinds('GARCON HELENE', id)).toContain('identity');
    expect(kinds('Sorensen, Asa', id)).toContain('identity');
  });
});

const box = (x: number, y: number, w: number, h: number, extra: Partial<Box> = {}): Box => ({
  x,
  y,
  width: w,
  height: h,
  text: 't',
  confidence: 90,
  phi: false,
  risks: [],
  keep: false,
  ...extra,
});

describe('boxes', () => {
  it('pads by a share of the text height, clipped to the frame', () => {
    expect(pad(box(0, 5, 10, 20), 12, 40)).toMatchObject({ x: 0, y: 1, width: 12, height: 28 });
  });

  it('merges overlapping readings; a kept box touching another is no longer kept', () => {
    const m = mergeBoxes([
      box(0, 0, 10, 10, { keep: true }),
      box(5, 5, 10, 10, { phi: true, risks: ['identity'] }),
      box(50, 50, 5, 5, { keep: true }),
    ]);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({ x: 0, y: 0, width: 15, height: 15, phi: true, keep: false, risks: ['identity'] });
    expect(m[1]).toMatchObject({ keep: true });
  });
});
