import { describe, expect, it } from 'vitest';
import { classifySeries, seriesFactsOf } from './headVolume.ts';
import type { InstanceInfo } from './InstanceInfo.ts';
import { testInfo } from './testInfo.ts';

const AXIAL = '1.00\\0.00\\0.00\\0.00\\1.00\\0.00';
const SAGITTAL = '0.00\\1.00\\0.00\\0.00\\0.00\\-1.00';
const slices = (n: number, o: Partial<InstanceInfo> = {}) =>
  Array.from({ length: n }, (_, i) =>
    seriesFactsOf(testInfo({ orientation: AXIAL, frameOfReferenceUID: '2.25.7', instanceNumber: i + 1, ...o })),
  );

describe('seriesFactsOf', () => {
  it('finds the head hint in Body Part Examined, Protocol Name or the descriptions', () => {
    expect(seriesFactsOf(testInfo({ bodyPartExamined: 'HEAD' })).headHint).toBe('Body Part Examined HEAD');
    expect(seriesFactsOf(testInfo({ protocolName: 't1_mprage_brain' })).headHint).toMatch(/Protocol Name/);
    expect(seriesFactsOf(testInfo({ seriesDescription: 'Schaedel nativ' })).headHint).toMatch(/Series Description/);
    expect(seriesFactsOf(testInfo({ bodyPartExamined: 'ABDOMEN', seriesDescription: 'portal venous' })).headHint).toBe(
      '',
    );
  });
});

describe('classifySeries', () => {
  it('CT or MR slices in one orientation, 20 or more: a head candidate (the content decides)', () => {
    expect(classifySeries(slices(40)).kind).toBe('head-candidate');
    expect(classifySeries(slices(40, { modality: 'MR' })).kind).toBe('head-candidate');
    expect(classifySeries([seriesFactsOf(testInfo({ numberOfFrames: 160, orientation: AXIAL }))]).kind).toBe(
      'head-candidate',
    );
  });

  it('mixed orientations: not a candidate, unless the header says head (fail closed)', () => {
    const mixed = [...slices(30), ...slices(3, { orientation: SAGITTAL })];
    expect(classifySeries(mixed).kind).toBe('localizer');
    const head = [...slices(30, { bodyPartExamined: 'HEAD' }), ...slices(3, { orientation: SAGITTAL })];
    expect(classifySeries(head)).toEqual({ kind: 'head-candidate', headHint: 'Body Part Examined HEAD' });
  });

  it('localizers, single images and a few slices are localizers of their frame of reference', () => {
    const scout = classifySeries(slices(2, { imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' }));
    expect(scout).toEqual({ kind: 'localizer', why: 'a localizer (scout)', frameOfReferenceUID: '2.25.7' });
    expect(classifySeries(slices(1))).toMatchObject({ kind: 'localizer', why: 'a single 2D image' });
    expect(classifySeries(slices(5))).toMatchObject({ kind: 'localizer', why: '5 slices: not a volume' });
  });

  it('a 3D rendering of a head is withheld by kind; without a head hint it is not a volume', () => {
    const vrt = {
      modality: 'CT',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.7',
      imageType: 'DERIVED\\SECONDARY\\VOLUME RENDER',
      seriesDescription: 'VRT head',
    };
    expect(classifySeries([seriesFactsOf(testInfo(vrt))]).kind).toBe('volume-render');
    expect(classifySeries([seriesFactsOf(testInfo({ ...vrt, seriesDescription: 'VRT pelvis' }))]).kind).toBe(
      'not-a-volume',
    );
  });

  it('other modalities and objects without pixels are not volumes', () => {
    expect(classifySeries(slices(30, { modality: 'US' })).kind).toBe('not-a-volume');
    expect(classifySeries(slices(1, { modality: 'SR', rows: undefined, columns: undefined })).kind).toBe(
      'not-a-volume',
    );
  });
});
