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
  /**
   * The further keys a DICOMDIR leaf record other than IMAGE needs (PS3.3 F.5: SR DOCUMENT,
   * RT DOSE, PRESENTATION…), by keyword; only those present with a value. Optional so that
   * callers building an InstanceInfo by hand need not know them.
   */
  recordKeys?: RecordKeys;
  /** The first item of Concept Name Code Sequence (0040,A043): an SR's document title. */
  conceptName?: CodedConcept;
  /** Referenced Series Sequence (0008,1115) of a presentation state: what its DICOMDIR record lists. */
  referencedSeries?: ReferencedSeries[];
  /** Frame of Reference UID (0020,0052): which images share one patient space (a localizer and its volume). */
  frameOfReferenceUID?: string;
  /**
   * Image Orientation (Patient) (0020,0037), or that of the Shared Functional Groups of an enhanced
   * image, rounded to 2 decimals: images of one volume share it. Empty when there is none.
   */
  orientation?: string;
  /** Body Part Examined (0018,0015) and Protocol Name (0018,1030): hints of what was scanned (the head). */
  bodyPartExamined?: string;
  protocolName?: string;
}

/** One series a presentation state applies to, with the images it references (PS3.3 C.11.11). */
export interface ReferencedSeries {
  seriesInstanceUID: string;
  images: { sopClassUID: string; sopInstanceUID: string }[];
}

/** A code triplet (PS3.3 Table 8.8-1 Code Sequence Macro, basic attributes). */
export interface CodedConcept {
  codeValue: string;
  codingSchemeDesignator: string;
  codeMeaning: string;
}

/** Attributes the leaf directory records of PS3.3 F.5 take from the instance, by keyword. */
export const RECORD_KEY_TAGS = {
  ContentDate: 0x00080023,
  ContentTime: 0x00080033,
  ContentLabel: 0x00700080,
  ContentDescription: 0x00700081,
  PresentationCreationDate: 0x00700082,
  PresentationCreationTime: 0x00700083,
  ContentCreatorName: 0x00700084,
  CompletionFlag: 0x0040a491,
  VerificationFlag: 0x0040a493,
  DoseSummationType: 0x3004000a,
  StructureSetLabel: 0x30060002,
  StructureSetDate: 0x30060008,
  StructureSetTime: 0x30060009,
  RTPlanLabel: 0x300a0002,
  RTPlanDate: 0x300a0006,
  RTPlanTime: 0x300a0007,
  TreatmentDate: 0x30080250,
  TreatmentTime: 0x30080251,
  DocumentTitle: 0x00420010,
  MIMETypeOfEncapsulatedDocument: 0x00420012,
} as const;

/** Keyword of a record key, plus Verification DateTime, which comes from a sequence. */
export type RecordKeyword = keyof typeof RECORD_KEY_TAGS | 'VerificationDateTime';

/** Record key values by keyword (decoded text, trailing padding removed). */
export type RecordKeys = Partial<Record<RecordKeyword, string>>;

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
    recordKeys: recordKeys(ds, cs),
    frameOfReferenceUID: s(0x00200052),
    orientation: orientationOf(ds),
    bodyPartExamined: s(0x00180015),
    protocolName: s(0x00181030),
    ...referencedSeriesOf(ds),
    ...conceptNameOf(ds, cs),
  };
};

/** IOP at the top level, else in the Shared Functional Groups' Plane Orientation (enhanced images). */
const orientationOf = (ds: Dataset): string => {
  const shared = ds.get(0x52009229)?.items?.[0]?.get(0x00209116)?.items?.[0];
  const raw = getString(ds, 0x00200037) ?? (shared ? getString(shared, 0x00200037) : undefined) ?? '';
  const xs = raw.split('\\').map((v) => Number(v));
  if (xs.length !== 6 || !xs.every(Number.isFinite)) return '';
  // Rounded, and -0 written as 0, so that slices written with a few more decimals still agree.
  return xs.map((x) => (Math.round(x * 100) / 100 || 0).toFixed(2)).join('\\');
};

const recordKeys = (ds: Dataset, cs: string): RecordKeys => {
  const keys: RecordKeys = {};
  for (const [k, t] of Object.entries(RECORD_KEY_TAGS) as [keyof typeof RECORD_KEY_TAGS, number][]) {
    const v = getString(ds, t, cs);
    if (v) keys[k] = v;
  }
  // PS3.3 F.5.19: the latest Verification DateTime of the Verifying Observer Sequence (0040,A073).
  const observers = ds.get(0x0040a073)?.items ?? [];
  const latest = observers
    .map((item) => getString(item, 0x0040a030, cs) ?? '')
    .filter(Boolean)
    .sort()
    .at(-1);
  if (latest) keys.VerificationDateTime = latest;
  return keys;
};

const conceptNameOf = (ds: Dataset, cs: string): { conceptName?: CodedConcept } => {
  const item = ds.get(0x0040a043)?.items?.[0];
  if (!item) return {};
  // Only a short Code Value fits the record's SH (0008,0100); Long and URN code values are not copied.
  const codeValue = getString(item, 0x00080100, cs) ?? '';
  const codingSchemeDesignator = getString(item, 0x00080102, cs) ?? '';
  const codeMeaning = getString(item, 0x00080104, cs) ?? '';
  return codeValue && codingSchemeDesignator ? { conceptName: { codeValue, codingSchemeDesignator, codeMeaning } } : {};
};

const referencedSeriesOf = (ds: Dataset): { referencedSeries?: ReferencedSeries[] } => {
  const items = ds.get(0x00081115)?.items;
  if (!items?.length) return {};
  return {
    referencedSeries: items.map((item) => ({
      seriesInstanceUID: getString(item, 0x0020000e) ?? '',
      images: (item.get(0x00081140)?.items ?? []).map((ref) => ({
        sopClassUID: getString(ref, 0x00081150) ?? '',
        sopInstanceUID: getString(ref, 0x00081155) ?? '',
      })),
    })),
  };
};
