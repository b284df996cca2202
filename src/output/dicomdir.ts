import { sha256 } from '@noble/hashes/sha2.js';
import { Dataset } from '../dicom/Dataset.ts';
import { VEIL_IMPLEMENTATION_CLASS_UID, VEIL_IMPLEMENTATION_VERSION } from '../dicom/FileMeta.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../dicom/TransferSyntax.ts';
import { ITEM } from '../dicom/tag.ts';
import type { VR } from '../dicom/VR.ts';
import { sequence, stringElement, ulElement, usElement } from '../dicom/values.ts';
import { writeDataset, writePart10 } from '../dicom/write.ts';
import { compareStrings, groupInstances } from '../study/group.ts';
import type { CodedConcept, InstanceInfo, RecordKeyword, ReferencedSeries } from '../study/InstanceInfo.ts';
import { MEDIA_STORAGE_DIRECTORY } from '../study/sniff.ts';
import { isFileIdComponent } from './naming.ts';

/**
 * Writes a new DICOMDIR (Basic Directory IOD, PS3.3 Annex F; Media Storage Directory Storage,
 * PS3.10 §8.6) for the output File-set, built only from the outputs' own headers and file IDs.
 * Nothing is copied from an input DICOMDIR: it would name the patient and list files that were
 * withheld.
 *
 * Records are PATIENT → STUDY → SERIES → leaf (IMAGE, SR DOCUMENT, RT DOSE…), stored depth-first
 * in the Directory Record Sequence. Links between them are byte offsets from the start of the
 * file (PS3.3 F.3.2.1, counted from the first byte of the preamble). Our writer writes items with
 * defined lengths and UL offsets are always 4 bytes, so every record's position is known from
 * the sizes before any offset is filled in.
 */

/** One output file: where it is in the File-set and its own header fields. */
export interface DirectoryEntry {
  /** File ID components (PS3.10 §8.2), e.g. ["DICOM", "P0001", "S0001", "SE0001", "IM000001"]. */
  fileId: readonly string[];
  info: InstanceInfo;
}

export interface DicomdirOptions {
  /** File-set ID (0004,1130), CS, at most 16 characters; empty by default (Type 2). */
  fileSetId?: string;
  /** Implementation Version Name (0002,0013), SH, at most 16 characters; Veil's own by default. */
  implementationVersionName?: string;
}

/** Written where a Type 1 date or time key is empty in the output (PS3.3 F.5 requires a value). */
export const PLACEHOLDER_DATE = '19000101';
export const PLACEHOLDER_TIME = '000000';

/** Why an output cannot be referenced from a DICOMDIR, or undefined if it can. */
export const directoryProblem = (info: InstanceInfo): string | undefined => {
  if (!info.sopClassUID) return 'it has no SOP Class UID';
  if (!info.sopInstanceUID) return 'it has no SOP Instance UID';
  if (!info.transferSyntaxUID) return 'it has no Transfer Syntax UID (no File Meta)';
  if (!info.studyInstanceUID) return 'it has no Study Instance UID';
  if (!info.seriesInstanceUID) return 'it has no Series Instance UID';
  return undefined;
};

/** A DICOMDIR's bytes, or a message naming the file that made it impossible. */
export type DicomdirResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Builds the DICOMDIR for a set of output files (in any order; the result is the same). */
export const buildDicomdir = (entries: readonly DirectoryEntry[], options: DicomdirOptions = {}): DicomdirResult => {
  for (const e of entries) {
    const where = e.fileId.join('/');
    if (e.fileId.length === 0 || e.fileId.length > 8 || !e.fileId.every(isFileIdComponent)) {
      return { ok: false, error: `${where}: not a valid File ID (PS3.10 §8.2: ≤ 8 components of A–Z 0–9 _)` };
    }
    const problem = directoryProblem(e.info);
    if (problem) return { ok: false, error: `${where}: ${problem}` };
  }

  // 1. Records, depth-first, with their children.
  const roots: DirRecord[] = groupInstances(entries, (e) => e.info).map((patient, pi) => ({
    ds: patientRecord(patient.info, pi + 1),
    children: patient.studies.map((study, si) => ({
      ds: studyRecord(study.info, si + 1),
      children: study.series.map((series, sei) => ({
        ds: seriesRecord(series.info, sei + 1),
        children: [...series.instances]
          .sort((a, b) => compareStrings(a.fileId.join('\\'), b.fileId.join('\\')))
          .map((e) => ({ ds: leafRecord(e), children: [] })),
      })),
    })),
  }));
  const flat: DirRecord[] = [];
  const visit = (r: DirRecord) => {
    flat.push(r);
    r.children.forEach(visit);
  };
  roots.forEach(visit);

  // 2. Where each record's item starts: preamble + DICM + meta + elements before the sequence + SQ header.
  const evle = transferSyntax(ExplicitVRLittleEndian);
  const meta = fileMeta(entries, options);
  const top = new Dataset([
    stringElement(0x00041130, options.fileSetId ?? '', 'CS'),
    ulElement(0x00041200, 0),
    ulElement(0x00041202, 0),
    usElement(0x00041212, 0), // File-set Consistency Flag: no known inconsistencies
  ]);
  let offset = 132 + writeDataset(meta, evle, true).length + writeDataset(top, evle).length + 12;
  const at = new Map<DirRecord, number>();
  for (const r of flat) {
    at.set(r, offset);
    offset += 8 + writeDataset(r.ds, evle).length; // item tag + length + content
  }

  // 3. Links (sizes don't change: every offset is a 4-byte UL).
  const link = (siblings: DirRecord[]) =>
    siblings.forEach((r, i) => {
      const next = siblings[i + 1];
      r.ds.set(ulElement(0x00041400, next ? at.get(next)! : 0));
      r.ds.set(ulElement(0x00041420, r.children[0] ? at.get(r.children[0])! : 0));
      link(r.children);
    });
  link(roots);
  top.set(ulElement(0x00041200, roots[0] ? at.get(roots[0])! : 0));
  top.set(ulElement(0x00041202, roots.at(-1) ? at.get(roots.at(-1)!)! : 0));
  top.set(
    sequence(
      0x00041220,
      flat.map((r) => r.ds),
    ),
  );

  const bytes = writePart10({ meta, dataset: top, transferSyntax: evle });
  // Belt and braces: each offset must land on an item tag, or a viewer would read garbage.
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const o of at.values()) {
    if (o + 4 > bytes.length || ((dv.getUint16(o, true) << 16) | dv.getUint16(o + 2, true)) >>> 0 !== ITEM) {
      return { ok: false, error: `DICOMDIR: internal error, record offset ${o} is not at an item` };
    }
  }
  return { ok: true, bytes };
};

interface DirRecord {
  ds: Dataset;
  children: DirRecord[];
}

/** The File Meta: a deterministic instance UID, so the same outputs give a byte-identical DICOMDIR. */
const fileMeta = (entries: readonly DirectoryEntry[], options: DicomdirOptions): Dataset =>
  new Dataset([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    stringElement(0x00020002, MEDIA_STORAGE_DIRECTORY, 'UI'),
    stringElement(0x00020003, uidFor(entries), 'UI'),
    stringElement(0x00020010, ExplicitVRLittleEndian, 'UI'),
    stringElement(0x00020012, VEIL_IMPLEMENTATION_CLASS_UID, 'UI'),
    stringElement(0x00020013, (options.implementationVersionName ?? VEIL_IMPLEMENTATION_VERSION).slice(0, 16), 'SH'),
  ]);

/**
 * A 2.25 UID (PS3.5 §B.2) from a UUID whose bits are a SHA-256 of the sorted references: new for
 * every different File-set, the same for the same one. Version 8 / RFC 9562 variant bits are set.
 */
const uidFor = (entries: readonly DirectoryEntry[]): string => {
  const text = entries
    .map((e) => `${e.fileId.join('\\')}=${e.info.sopInstanceUID}`)
    .sort(compareStrings)
    .join('\n');
  const h = sha256(new TextEncoder().encode(`veil-dicomdir\0${text}`)).subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  let n = 0n;
  for (const b of h) n = (n << 8n) | BigInt(b);
  return `2.25.${n}`;
};

/** A record key: tag, VR, value, and the placeholder written when a Type 1 key is empty. */
type Key = { tag: number; vr: VR; value: string | undefined; type: 1 | 2; placeholder?: string };

const k1 = (tag: number, vr: VR, value: string | undefined, placeholder?: string): Key => ({
  tag,
  vr,
  value,
  type: 1,
  ...(placeholder === undefined ? {} : { placeholder }),
});
const k2 = (tag: number, vr: VR, value: string | undefined): Key => ({ tag, vr, value, type: 2 });

/**
 * A directory record: the Directory Information Module attributes (PS3.3 F.3.2.2) with zero
 * offsets, then the keys, in the record's own Specific Character Set when any key is not ASCII.
 * `concept` adds Concept Name Code Sequence (0040,A043): one item, or empty (null) for Type 2.
 * Returns undefined if a Type 1 key has neither a value nor a placeholder.
 */
const record = (type: string, keys: Key[], concept?: CodedConcept | null): Dataset | undefined => {
  const values = keys.map((k) => ({ ...k, text: k.value || (k.type === 1 ? k.placeholder : '') }));
  if (values.some((k) => k.text === undefined)) return undefined;
  const texts = [...values.map((k) => k.text!), ...(concept ? Object.values(concept) : [])];
  const unicode = texts.some((t) => /[^\x00-\x7e]/.test(t));
  const cs = unicode ? 'ISO_IR 192' : '';
  const item = concept
    ? [
        new Dataset([
          stringElement(0x00080100, concept.codeValue, 'SH', cs),
          stringElement(0x00080102, concept.codingSchemeDesignator, 'SH', cs),
          stringElement(0x00080104, concept.codeMeaning, 'LO', cs),
        ]),
      ]
    : [];
  return new Dataset([
    ulElement(0x00041400, 0),
    usElement(0x00041410, 0xffff), // Record In-use Flag: in use
    ulElement(0x00041420, 0),
    stringElement(0x00041430, type, 'CS'),
    ...(unicode ? [stringElement(0x00080005, cs, 'CS')] : []),
    ...values.map((k) => stringElement(k.tag, k.text!, k.vr, cs)),
    ...(concept === undefined ? [] : [sequence(0x0040a043, item)]),
  ]);
};

/** PATIENT keys (PS3.3 F.5.1). Patient ID is Type 1; the index stands in if the output has none. */
const patientRecord = (i: InstanceInfo, index: number): Dataset =>
  record('PATIENT', [k2(0x00100010, 'PN', i.patientName), k1(0x00100020, 'LO', i.patientId, `P${pad4(index)}`)])!;

/** STUDY keys (PS3.3 F.5.2). Dates are often emptied by the profile, so they get placeholders. */
const studyRecord = (i: InstanceInfo, index: number): Dataset =>
  record('STUDY', [
    k1(0x00080020, 'DA', i.studyDate, PLACEHOLDER_DATE),
    k1(0x00080030, 'TM', i.studyTime, PLACEHOLDER_TIME),
    k2(0x00080050, 'SH', i.accessionNumber),
    k2(0x00081030, 'LO', i.studyDescription),
    k1(0x0020000d, 'UI', i.studyInstanceUID),
    k1(0x00200010, 'SH', i.studyId, `S${pad4(index)}`),
  ])!;

/** SERIES keys (PS3.3 F.5.3). */
const seriesRecord = (i: InstanceInfo, index: number): Dataset =>
  record('SERIES', [
    k1(0x00080060, 'CS', i.modality, 'OT'),
    k1(0x0020000e, 'UI', i.seriesInstanceUID),
    k1(0x00200011, 'IS', i.seriesNumber === undefined ? '' : String(i.seriesNumber), String(index)),
  ])!;

const SOP = '1.2.840.10008.5.1.4.1.1.';

/** The leaf record type for a SOP Class (PS3.3 F.4, Table F.4-1); IMAGE for everything else. */
export const leafRecordType = (sopClassUID: string): string => {
  if (!sopClassUID.startsWith(SOP)) return 'IMAGE';
  const rest = sopClassUID.slice(SOP.length);
  const exact: Record<string, string> = {
    '481.2': 'RT DOSE',
    '481.3': 'RT STRUCTURE SET',
    '481.4': 'RT TREAT RECORD',
    '481.5': 'RT PLAN',
    '481.6': 'RT TREAT RECORD',
    '481.7': 'RT TREAT RECORD',
    '481.8': 'RT PLAN',
    '481.9': 'RT TREAT RECORD',
    '88.59': 'KEY OBJECT DOC',
    '66': 'RAW DATA',
    '66.1': 'REGISTRATION',
    '66.2': 'FIDUCIAL',
    '66.3': 'REGISTRATION',
  };
  if (exact[rest]) return exact[rest];
  if (rest.startsWith('88.')) return 'SR DOCUMENT';
  if (rest.startsWith('11.')) return 'PRESENTATION';
  if (rest.startsWith('9.')) return 'WAVEFORM';
  if (rest.startsWith('104.')) return 'ENCAP DOC';
  return 'IMAGE';
};

/** MIME types of the encapsulated document SOP Classes (PS3.3 A.45–A.85), for a missing value. */
const ENCAPSULATED_MIME: Record<string, string> = {
  [`${SOP}104.1`]: 'application/pdf',
  [`${SOP}104.2`]: 'text/XML',
  [`${SOP}104.3`]: 'model/stl',
  [`${SOP}104.4`]: 'model/obj',
  [`${SOP}104.5`]: 'model/mtl',
};

/**
 * The leaf record for one file: its references (PS3.3 F.3.2.2) and its record type's keys
 * (PS3.3 F.5). When the output lacks a Type 1 key that has no sensible placeholder (an RT Dose
 * without Dose Summation Type), an IMAGE record is written instead so the file stays reachable.
 */
const leafRecord = (e: DirectoryEntry): Dataset => {
  const i = e.info;
  const r = (kw: RecordKeyword) => i.recordKeys?.[kw];
  const im = /(\d+)$/.exec(e.fileId.at(-1) ?? '')?.[1];
  const instanceNumber = k1(
    0x00200013,
    'IS',
    i.instanceNumber === undefined ? '' : String(i.instanceNumber),
    im ? String(Number(im)) : '1',
  );
  const refs: Key[] = [
    k1(0x00041500, 'CS', e.fileId.join('\\')),
    k1(0x00041510, 'UI', i.sopClassUID),
    k1(0x00041511, 'UI', i.sopInstanceUID),
    k1(0x00041512, 'UI', i.transferSyntaxUID),
  ];
  const contentDate = k1(0x00080023, 'DA', r('ContentDate'), PLACEHOLDER_DATE);
  const contentTime = k1(0x00080033, 'TM', r('ContentTime'), PLACEHOLDER_TIME);
  const contentId = [
    instanceNumber,
    k1(0x00700080, 'CS', r('ContentLabel'), 'UNNAMED'),
    k2(0x00700081, 'LO', r('ContentDescription')),
    k2(0x00700084, 'PN', r('ContentCreatorName')),
  ];
  const concept = i.conceptName;
  const type = leafRecordType(i.sopClassUID);
  let leaf: Dataset | undefined;
  switch (type) {
    case 'RT DOSE':
      leaf = record(type, [...refs, instanceNumber, k1(0x3004000a, 'CS', r('DoseSummationType'))]);
      break;
    case 'RT STRUCTURE SET':
      leaf = record(type, [
        ...refs,
        instanceNumber,
        k1(0x30060002, 'SH', r('StructureSetLabel'), 'UNNAMED'),
        k2(0x30060008, 'DA', r('StructureSetDate')),
        k2(0x30060009, 'TM', r('StructureSetTime')),
      ]);
      break;
    case 'RT PLAN':
      leaf = record(type, [
        ...refs,
        instanceNumber,
        k1(0x300a0002, 'SH', r('RTPlanLabel'), 'UNNAMED'),
        k2(0x300a0006, 'DA', r('RTPlanDate')),
        k2(0x300a0007, 'TM', r('RTPlanTime')),
      ]);
      break;
    case 'RT TREAT RECORD':
      leaf = record(type, [
        ...refs,
        instanceNumber,
        k2(0x30080250, 'DA', r('TreatmentDate')),
        k2(0x30080251, 'TM', r('TreatmentTime')),
      ]);
      break;
    case 'PRESENTATION':
      leaf = record(type, [
        ...refs,
        k1(0x00700082, 'DA', r('PresentationCreationDate'), PLACEHOLDER_DATE),
        k1(0x00700083, 'TM', r('PresentationCreationTime'), PLACEHOLDER_TIME),
        ...contentId,
      ]);
      // Referenced Series Sequence is Type 1C in the record (PS3.3 F.5.23): the series and images
      // the presentation state applies to, already carrying their new UIDs.
      if (leaf && i.referencedSeries?.length) leaf.set(referencedSeriesElement(i.referencedSeries));
      break;
    case 'WAVEFORM':
    case 'RAW DATA':
      leaf = record(type, [...refs, contentDate, contentTime, instanceNumber]);
      break;
    case 'REGISTRATION':
    case 'FIDUCIAL':
      leaf = record(type, [...refs, contentDate, contentTime, ...contentId]);
      break;
    case 'SR DOCUMENT': {
      // Verification DateTime is required only for a verified report (PS3.3 F.5.19).
      const verified = r('VerificationFlag') === 'VERIFIED';
      const verification = verified
        ? [k1(0x0040a030, 'DT', r('VerificationDateTime'), `${PLACEHOLDER_DATE}${PLACEHOLDER_TIME}`)]
        : [];
      const flags = [
        k1(0x0040a491, 'CS', r('CompletionFlag'), 'PARTIAL'),
        k1(0x0040a493, 'CS', r('VerificationFlag'), 'UNVERIFIED'),
      ];
      const keys = [...refs, contentDate, contentTime, instanceNumber, ...verification, ...flags];
      leaf = concept && record(type, keys, concept);
      break;
    }
    case 'KEY OBJECT DOC':
      leaf = concept && record(type, [...refs, contentDate, contentTime, instanceNumber], concept);
      break;
    case 'ENCAP DOC':
      leaf = record(
        type,
        [
          ...refs,
          k2(0x00080023, 'DA', r('ContentDate')),
          k2(0x00080033, 'TM', r('ContentTime')),
          instanceNumber,
          k2(0x00420010, 'ST', r('DocumentTitle')),
          k1(0x00420012, 'LO', r('MIMETypeOfEncapsulatedDocument') || ENCAPSULATED_MIME[i.sopClassUID]),
        ],
        concept ?? null,
      );
      break;
  }
  return leaf ?? record('IMAGE', [...refs, instanceNumber])!;
};

const referencedSeriesElement = (series: ReferencedSeries[]) =>
  sequence(
    0x00081115,
    series.map(
      (s) =>
        new Dataset([
          stringElement(0x0020000e, s.seriesInstanceUID, 'UI'),
          sequence(
            0x00081140,
            s.images.map(
              (im) =>
                new Dataset([
                  stringElement(0x00081150, im.sopClassUID, 'UI'),
                  stringElement(0x00081155, im.sopInstanceUID, 'UI'),
                ]),
            ),
          ),
        ]),
    ),
  );

const pad4 = (n: number): string => String(n).padStart(4, '0');
