import { describe, expect, it } from 'vitest';
import type { DicomEntry, IdentityHit } from '../../workers/api.ts';
import { RESEARCH } from '../deid/options.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { needlesFor, summarize } from './findings.ts';
import { buildInventory } from './inventory.ts';

const info = (o: Partial<InstanceInfo>): InstanceInfo =>
  ({
    patientName: 'MÜLLER^JÖRG',
    patientId: 'P1',
    studyInstanceUID: '2.25.1',
    seriesInstanceUID: '2.25.2',
    sopInstanceUID: '2.25.3',
    modality: 'CT',
    sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
    imageType: 'ORIGINAL\\PRIMARY\\AXIAL',
    rows: 512,
    columns: 512,
    orientation: '1\\0\\0\\0\\1\\0',
    bodyPartExamined: 'HEAD',
    instanceNumber: 1,
    ...o,
  }) as InstanceInfo;

const name = (places: number, privatePlaces = 0): IdentityHit => ({
  kind: 'name',
  value: 'MÜLLER^JÖRG',
  places,
  privatePlaces,
  forms: ['MÜLLER', 'JÖRG'],
});

const entry = (id: number, o: Partial<DicomEntry>): DicomEntry => ({
  id,
  kind: 'dicom',
  info: info({ sopInstanceUID: `2.25.3.${id}`, instanceNumber: id }),
  isDicomdir: false,
  anatomy: 'HEAD',
  identity: [],
  burnedIn: 'no',
  nativePixels: true,
  hasPixels: true,
  ...o,
});

describe('summarize', () => {
  const head = Array.from({ length: 30 }, (_, i) =>
    entry(i, {
      identity: [
        name(2, 1),
        { kind: 'birthDate', value: '19620314', places: 1, privatePlaces: 0, forms: ['19620314'] },
      ],
    }),
  );
  const screenshot = entry(30, {
    info: info({
      seriesInstanceUID: '2.25.9',
      sopInstanceUID: '2.25.9.1',
      modality: 'OT',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.7',
      bodyPartExamined: '',
    }),
    burnedIn: 'maybe',
    anatomy: '',
  });
  const dicomdir = entry(31, { isDicomdir: true, identity: [name(1)] });
  const files = Array.from({ length: 32 }, (_, i) => ({ file: new File([], `f${i}`), path: `CD/f${i}` }));
  const inv = buildInventory(files, [...head, screenshot, dicomdir]);

  it('says in plain words what identifies the person, and where', () => {
    expect(summarize(inv)).toEqual([
      'Name ‘MÜLLER^JÖRG’ found in 61 places, including 30 private tags and the DICOMDIR',
      'birth date in 30 places',
      '1 series may have text burned into the image (screenshots or ultrasound)',
      '1 head scan shows the face (it can be rebuilt in 3D)',
    ]);
  });

  it('counts identifying values once, however many forms they are searched in', () => {
    expect(needlesFor(inv, RESEARCH)).toEqual({ values: 2, forms: ['MÜLLER', 'JÖRG', '19620314'] });
  });
});
