import { describe, expect, it } from 'vitest';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { Interner } from './intern.ts';

describe('Interner', () => {
  it('shares one array for equal lists, and one string for equal strings', () => {
    const t = new Interner();
    const a = t.list(['MUELLER^JOERG', 'MJ-4711']);
    expect(t.list(['MUELLER^JOERG', 'MJ-4711'])).toBe(a);
    expect(t.list(['MUELLER^JOERG'])).not.toBe(a);
    expect(t.list(['MUELLER^JOERG'])).toEqual(['MUELLER^JOERG']);
    expect(t.list(['A', 'B'])).not.toBe(t.list(['A\0B']));
  });

  it('interns a header in place and keeps its values', () => {
    const t = new Interner();
    const info = { patientName: 'VEIL^X', sopInstanceUID: '2.25.1', seriesNumber: 3 } as unknown as InstanceInfo;
    expect(t.info(info)).toBe(info);
    expect(info).toEqual({ patientName: 'VEIL^X', sopInstanceUID: '2.25.1', seriesNumber: 3 });
  });
});
