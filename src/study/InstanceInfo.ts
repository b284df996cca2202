import type { Dataset } from '../dicom/Dataset.ts';
import { charsetOf, getString, numberOf } from '../dicom/values.ts';

/**
 * The header fields that place an instance in the patient → study → series tree and that a
 * DICOMDIR record needs (PS3.3 F.5). Read from an original (inventory) or an output (naming).
 */
export interface InstanceInfo {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUID: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  studyId: string;
  accessionNumber: string;
  seriesInstanceUID: string;
  seriesNumber: number | undefined;
  seriesDescription: string;
  modality: string;
  sopClassUID: string;
  sopInstanceUID: string;
  instanceNumber: number | undefined;
  transferSyntaxUID: string;
  /** Image Type (0008,0008), e.g. ORIGINAL\PRIMARY\AXIAL or DERIVED\SECONDARY. */
  imageType: string;
  /** Burned In Annotation (0028,0301): "YES", "NO" or "" when absent. */
  burnedInAnnotation: string;
  rows: number | undefined;
  columns: number | undefined;
  numberOfFrames: number | undefined;
}

/** Reads InstanceInfo from a data set (the File Meta supplies the transfer syntax). */
export const instanceInfo = (ds: Dataset, meta?: Dataset, littleEndian = true): InstanceInfo => {
  const cs = charsetOf(ds);
  const s = (t: number) => getString(ds, t, cs) ?? '';
  return {
    patientName: s(0x00100010),
    patientId: s(0x00100020),
    patientBirthDate: s(0x00100030),
    patientSex: s(0x00100040),
    studyInstanceUID: s(0x0020000d),
    studyDate: s(0x00080020),
    studyTime: s(0x00080030),
    studyDescription: s(0x00081030),
    studyId: s(0x00200010),
    accessionNumber: s(0x00080050),
    seriesInstanceUID: s(0x0020000e),
    seriesNumber: numberOf(ds.get(0x00200011), littleEndian),
    seriesDescription: s(0x0008103e),
    modality: s(0x00080060),
    sopClassUID: s(0x00080016) || (meta ? (getString(meta, 0x00020002) ?? '') : ''),
    sopInstanceUID: s(0x00080018) || (meta ? (getString(meta, 0x00020003) ?? '') : ''),
    instanceNumber: numberOf(ds.get(0x00200013), littleEndian),
    transferSyntaxUID: meta ? (getString(meta, 0x00020010) ?? '') : '',
    imageType: s(0x00080008),
    burnedInAnnotation: s(0x00280301).toUpperCase(),
    rows: numberOf(ds.get(0x00280010), littleEndian),
    columns: numberOf(ds.get(0x00280011), littleEndian),
    numberOfFrames: numberOf(ds.get(0x00280008), littleEndian),
  };
};
