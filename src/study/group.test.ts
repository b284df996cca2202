import { describe, expect, it } from 'vitest';
import { groupInstances } from './group.ts';
import { testInfo } from './testInfo.ts';

describe('groupInstances', () => {
  const infos = [
    testInfo({ patientId: 'B', studyInstanceUID: '2.25.2', seriesInstanceUID: '2.25.21', sopInstanceUID: '2.25.211' }),
    testInfo({
      patientId: 'A',
      studyInstanceUID: '2.25.1',
      seriesInstanceUID: '2.25.12',
      sopInstanceUID: '2.25.121',
      instanceNumber: 2,
    }),
    testInfo({
      patientId: 'A',
      studyInstanceUID: '2.25.1',
      seriesInstanceUID: '2.25.12',
      sopInstanceUID: '2.25.122',
      instanceNumber: 1,
    }),
    testInfo({ patientId: 'A', studyInstanceUID: '2.25.1', seriesInstanceUID: '2.25.11', sopInstanceUID: '2.25.111' }),
  ];

  it('builds patient → study → series → instances in sorted order', () => {
    const g = groupInstances(infos, (i) => i);
    expect(g.map((p) => p.key)).toEqual(['A', 'B']);
    expect(g[0]!.studies.map((s) => s.studyInstanceUID)).toEqual(['2.25.1']);
    expect(g[0]!.studies[0]!.series.map((s) => s.seriesInstanceUID)).toEqual(['2.25.11', '2.25.12']);
    expect(g[0]!.studies[0]!.series[1]!.instances.map((i) => i.instanceNumber)).toEqual([1, 2]);
  });

  it('gives the same tree whatever the input order', () => {
    const shape = (xs: typeof infos) =>
      JSON.stringify(groupInstances(xs, (i) => i).map((p) => p.studies.map((s) => s.series.map((se) => se.instances))));
    expect(shape([...infos].reverse())).toBe(shape(infos));
  });

  it('keeps the caller’s objects and groups a patient without ID by name', () => {
    const rows = [{ info: testInfo({ patientId: '', patientName: 'X^Y' }), file: 'a' }];
    const g = groupInstances(rows, (r) => r.info);
    expect(g[0]!.key).toBe('name:X^Y');
    expect(g[0]!.studies[0]!.series[0]!.instances[0]).toBe(rows[0]);
  });
});
