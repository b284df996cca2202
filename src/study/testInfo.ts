import type { InstanceInfo } from './InstanceInfo.ts';

/** An InstanceInfo for tests: plausible defaults, overridden field by field. */
export const testInfo = (o: Partial<InstanceInfo> = {}): InstanceInfo => ({
  patientName: 'VEIL^AB12',
  patientId: 'VEIL-AB12',
  patientBirthDate: '',
  patientSex: '',
  studyInstanceUID: '2.25.1',
  studyDate: '',
  studyTime: '',
  studyDescription: '',
  studyId: '',
  accessionNumber: '',
  seriesInstanceUID: '2.25.11',
  seriesNumber: 1,
  seriesDescription: '',
  modality: 'CT',
  sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
  sopInstanceUID: '2.25.111',
  instanceNumber: 1,
  transferSyntaxUID: '1.2.840.10008.1.2.1',
  imageType: 'ORIGINAL\\PRIMARY\\AXIAL',
  burnedInAnnotation: 'NO',
  rows: 512,
  columns: 512,
  numberOfFrames: undefined,
  ...o,
});
