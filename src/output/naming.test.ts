import { describe, expect, it } from 'vitest';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { testInfo } from '../study/testInfo.ts';
import { assignFileIds, fileIdPath, isFileIdComponent, pathLeaks } from './naming.ts';

/** Outputs as the CLI has them: an input path (PHI-laden) and the de-identified header. */
interface Out {
  input: string;
  info: InstanceInfo;
}

const outputs: Out[] = [
  {
    input: 'MUELLER_JOERG/CT_THORAX/IM1',
    info: testInfo({
      patientId: 'VEIL-7Q',
      seriesInstanceUID: '2.25.20',
      sopInstanceUID: '2.25.201',
      instanceNumber: 1,
    }),
  },
  {
    input: 'MUELLER_JOERG/CT_THORAX/IM2',
    info: testInfo({
      patientId: 'VEIL-7Q',
      seriesInstanceUID: '2.25.20',
      sopInstanceUID: '2.25.202',
      instanceNumber: 2,
    }),
  },
  {
    input: 'MUELLER_JOERG/SCOUT/IM1',
    info: testInfo({
      patientId: 'VEIL-7Q',
      seriesInstanceUID: '2.25.10',
      sopInstanceUID: '2.25.101',
      instanceNumber: 1,
    }),
  },
  {
    input: 'SCHMIDT_ANNA/MR/1.2.3.dcm',
    info: testInfo({
      patientId: 'VEIL-3A',
      studyInstanceUID: '2.25.9',
      seriesInstanceUID: '2.25.90',
      sopInstanceUID: '2.25.901',
      instanceNumber: 7,
    }),
  },
];

const name = (xs: Out[], avoid: string[] = []) => {
  const r = assignFileIds(xs, (o) => o.info, avoid);
  if (!r.ok) throw new Error(r.error);
  return new Map(xs.map((o) => [o.info.sopInstanceUID, fileIdPath(r.fileIds.get(o)!)]));
};

describe('assignFileIds', () => {
  it('builds DICOMDIR-compatible paths from indexes and instance numbers only', () => {
    const r = assignFileIds(outputs, (o) => o.info);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const o of outputs) {
      const id = r.fileIds.get(o)!;
      expect(id.length).toBeLessThanOrEqual(8);
      expect(id.every(isFileIdComponent)).toBe(true);
      // Nothing of the input path survives: no folder, no file name.
      for (const part of o.input.split(/[/._]/).filter((p) => p.length >= 3)) {
        expect(fileIdPath(id).toLowerCase()).not.toContain(part.toLowerCase());
      }
    }
  });

  it('assigns P, S and SE in sorted order of Patient ID, Study UID and Series UID', () => {
    const n = name(outputs);
    expect(n.get('2.25.901')).toBe('DICOM/P0001/S0001/SE0001/IM000007'); // VEIL-3A < VEIL-7Q
    expect(n.get('2.25.101')).toBe('DICOM/P0002/S0001/SE0001/IM000001'); // series 2.25.10 < 2.25.20
    expect(n.get('2.25.201')).toBe('DICOM/P0002/S0001/SE0002/IM000001');
    expect(n.get('2.25.202')).toBe('DICOM/P0002/S0001/SE0002/IM000002');
  });

  it('gives the same names whatever order the outputs arrive in', () => {
    expect([...name([...outputs].reverse())].sort()).toEqual([...name(outputs)].sort());
    expect([...name([outputs[2]!, outputs[0]!, outputs[3]!, outputs[1]!])].sort()).toEqual([...name(outputs)].sort());
  });

  it('resolves Instance Number collisions and gaps deterministically', () => {
    const series = (n: (number | undefined)[]) =>
      n.map((instanceNumber, i) => ({
        input: `f${i}`,
        info: testInfo({ sopInstanceUID: `2.25.5${i}`, instanceNumber }),
      }));
    const a = name(series([3, 3, undefined, 2_000_000, 1]));
    expect([...a.values()].map((p) => p.split('/').pop())).toEqual([
      'IM000003',
      'IM000002', // the second 3 takes the smallest free number
      'IM000005', // no number sorts last
      'IM000004', // out of range (> 999999)
      'IM000001',
    ]);
    expect(new Set(a.values()).size).toBe(5);
    expect(name(series([3, 3, undefined, 2_000_000, 1]).reverse())).toEqual(a);
  });

  it('skips an index whose name would contain an identity string', () => {
    // A numeric Patient ID like 0001 must not surface as P0001 or IM000001.
    const n = name(outputs, ['0001', 'x']);
    for (const p of n.values()) expect(p).not.toContain('0001');
    expect(new Set(n.values()).size).toBe(outputs.length);
  });
});

describe('pathLeaks', () => {
  it('finds identity strings case-insensitively, name parts included', () => {
    expect(pathLeaks('out/mueller_joerg/IM1', ['MUELLER^JOERG'])).toBe('MUELLER^JOERG');
    expect(pathLeaks('DICOM/P0001/S0001/SE0001/IM123456', ['123456'])).toBe('123456');
    expect(pathLeaks('DICOM/P0001', ['p0001'])).toBe('p0001');
  });

  it('ignores strings shorter than 3 characters and clean paths', () => {
    expect(pathLeaks('DICOM/P0001/S0001/SE0001/IM000001', ['01', 'P', 'MUELLER^JOERG', '19700101'])).toBeUndefined();
    expect(pathLeaks('DICOM/P0001', ['JO^MU'])).toBeUndefined();
  });
});
