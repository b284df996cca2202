import type { Tag } from '../../dicom/tag.ts';
import type { ActionCode } from './Profile.ts';

/**
 * Compound action codes (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) pick "X unless Z or D is required to
 * maintain IOD conformance" (PS3.15 Table E.1-1a). That needs the attribute's Type in the IOD
 * at hand. Rather than ship all of PS3.3, this table lists where the ~50 attributes with
 * compound codes are Type 1 or Type 2 in the IODs Veil meets; anywhere else they are Type 3 and
 * removed. Each row names the module it comes from so it can be checked against PS3.3.
 */

/** What the engine knows about where an element sits. */
export interface Context {
  /** SOP Class UID of the top-level data set. */
  sopClass: string;
  /** 0 for the top-level data set, 1 inside a sequence item, and so on. */
  depth: number;
  /** Tags of the enclosing sequences, outermost first. */
  path: Tag[];
  /** True when a data element in the top-level data set says so (see the predicates below). */
  has(t: Tag): boolean;
}

type Predicate = (c: Context) => boolean;

const ENHANCED = [
  '1.2.840.10008.5.1.4.1.1.2.1', // Enhanced CT
  '1.2.840.10008.5.1.4.1.1.4.1', // Enhanced MR
  '1.2.840.10008.5.1.4.1.1.4.3', // Enhanced MR Color
  '1.2.840.10008.5.1.4.1.1.4.4', // Legacy Converted Enhanced MR
  '1.2.840.10008.5.1.4.1.1.2.2', // Legacy Converted Enhanced CT
  '1.2.840.10008.5.1.4.1.1.128.1', // Legacy Converted Enhanced PET
  '1.2.840.10008.5.1.4.1.1.130', // Enhanced PET
  '1.2.840.10008.5.1.4.1.1.12.1.1', // Enhanced XA
  '1.2.840.10008.5.1.4.1.1.12.2.1', // Enhanced XRF
  '1.2.840.10008.5.1.4.1.1.6.2', // Enhanced US Volume
  '1.2.840.10008.5.1.4.1.1.13.1.1', // X-Ray 3D Angiographic
  '1.2.840.10008.5.1.4.1.1.13.1.3', // Breast Tomosynthesis
];
// Any IOD built on Multi-frame Functional Groups (C.7.6.16) has the enhanced modules' Type 1s.
const enhanced: Predicate = (c) => ENHANCED.includes(c.sopClass) || c.has(0x52009229) || c.has(0x52009230);
const sr: Predicate = (c) => c.sopClass.startsWith('1.2.840.10008.5.1.4.1.1.88.');
const rt: Predicate = (c) => c.sopClass.startsWith('1.2.840.10008.5.1.4.1.1.481.');
const nested: Predicate = (c) => c.depth > 0;
const waveform: Predicate = (c) => c.sopClass.startsWith('1.2.840.10008.5.1.4.1.1.9.');
const presentationState: Predicate = (c) => c.sopClass.startsWith('1.2.840.10008.5.1.4.1.1.11.');
const nonImage: Predicate = (c) => sr(c) || rt(c) || c.sopClass.startsWith('1.2.840.10008.5.1.4.1.1.11.');
const inside =
  (seq: Tag): Predicate =>
  (c) =>
    c.path.includes(seq);

interface Requirement {
  tag: Tag;
  type: 1 | 2;
  when: Predicate;
  /** Where PS3.3 says so. */
  source: string;
}

const REQUIREMENTS: Requirement[] = [
  { tag: 0x0008002a, type: 1, when: enhanced, source: 'C.7.6.16 Enhanced image modules: Acquisition DateTime 1C' },
  { tag: 0x0008002a, type: 1, when: waveform, source: 'C.10.8 Waveform Identification: Acquisition DateTime 1' },
  { tag: 0x00080023, type: 1, when: waveform, source: 'C.10.8 Waveform Identification: Content Date 1' },
  { tag: 0x00080033, type: 1, when: waveform, source: 'C.10.8 Waveform Identification: Content Time 1' },
  { tag: 0x00080023, type: 1, when: (c) => sr(c) || enhanced(c), source: 'C.17.2 SR Document General; C.8.13.1' },
  { tag: 0x00080033, type: 1, when: (c) => sr(c) || enhanced(c), source: 'C.17.2 SR Document General; C.8.13.1' },
  { tag: 0x00080023, type: 2, when: () => true, source: 'C.7.6.1 General Image: Content Date 2C' },
  { tag: 0x00080033, type: 2, when: () => true, source: 'C.7.6.1 General Image: Content Time 2C' },
  { tag: 0x00181000, type: 1, when: enhanced, source: 'C.7.5.2 Enhanced General Equipment: Device Serial Number 1' },
  { tag: 0x00100020, type: 2, when: () => true, source: 'C.7.1.1 Patient: Patient ID 2' },
  { tag: 0x00700082, type: 1, when: presentationState, source: 'C.11.10 Presentation State Identification: 1' },
  { tag: 0x00700083, type: 1, when: presentationState, source: 'C.11.10 Presentation State Identification: 1' },
  { tag: 0x00700084, type: 2, when: () => true, source: 'C.11.10 Presentation State Identification: 2' },
  { tag: 0x00180010, type: 2, when: () => true, source: 'C.7.6.4 Contrast/Bolus: Contrast/Bolus Agent 2' },
  { tag: 0x00189919, type: 2, when: () => true, source: 'Instruction Performed DateTime: Type 2 where used' },
  { tag: 0x00400555, type: 2, when: enhanced, source: 'C.7.6.14 Acquisition Context (mandatory in enhanced IODs)' },
  { tag: 0x00081140, type: 1, when: (c) => nested(c) || nonImage(c), source: 'Referenced Image Sequence in items' },
  { tag: 0x00082112, type: 1, when: nested, source: 'Source Image Sequence in Derivation Image items' },
  { tag: 0x00081111, type: 1, when: nested, source: 'Referenced PPS Sequence in items' },
  { tag: 0x00081111, type: 2, when: sr, source: 'C.17.1 SR Document Series: Referenced PPS Sequence 2' },
  { tag: 0x00081070, type: 2, when: rt, source: "C.8.8.1 RT Series: Operators' Name 2" },
  { tag: 0x00102203, type: 2, when: (c) => c.has(0x00102201), source: 'C.7.1.1 Patient: 2C for non-human' },
  { tag: 0x300e0008, type: 2, when: (c) => c.has(0x300e0002), source: 'C.8.8.16 Approval: 2C when reviewed' },
  { tag: 0x300a0006, type: 1, when: rt, source: 'C.8.8.9 RT General Plan: RT Plan Date 2 (a dummy keeps it)' },
  { tag: 0x300a0007, type: 1, when: rt, source: 'C.8.8.9 RT General Plan: RT Plan Time 2' },
  { tag: 0x300a00b2, type: 2, when: inside(0x300a00b0), source: 'C.8.8.14 RT Beams: Treatment Machine Name 2' },
  { tag: 0x30080250, type: 1, when: rt, source: 'C.8.8.21-26 RT treatment records' },
  { tag: 0x30080251, type: 1, when: rt, source: 'C.8.8.21-26 RT treatment records' },
  { tag: 0x30080054, type: 1, when: rt, source: 'C.8.8.21 RT treatment summary' },
  { tag: 0x30080056, type: 1, when: rt, source: 'C.8.8.21 RT treatment summary' },
  { tag: 0x30080105, type: 2, when: inside(0x300a0210), source: 'C.8.8.15 RT Brachy: Source Serial Number' },
  { tag: 0x0040a032, type: 1, when: inside(0x0040a730), source: 'C.17.3 SR content items: Observation DateTime' },
  { tag: 0x30100056, type: 1, when: rt, source: 'RT Prescription/Plan labels' },
  { tag: 0x30100077, type: 1, when: rt, source: 'RT Prescription: Treatment Site' },
  { tag: 0x3010004c, type: 1, when: rt, source: 'RT Prescription: Intended Phase Start Date' },
  { tag: 0x3010004d, type: 1, when: rt, source: 'RT Prescription: Intended Phase End Date' },
];

const byTag = new Map<Tag, Requirement[]>();
for (const r of REQUIREMENTS) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);

/** The Type of an attribute here: 1, 2, or 3 when no rule requires it. */
export const requiredType = (t: Tag, c: Context): 1 | 2 | 3 => {
  let type: 1 | 2 | 3 = 3;
  for (const r of byTag.get(t) ?? []) if (r.when(c) && r.type < type) type = r.type;
  return type;
};

/**
 * Turns a table code into the single action to apply here (Table E.1-1a): X for Type 3, Z for
 * Type 2, D for Type 1 (U for sequences of references under X/Z/U*). A plain X or Z the IOD at
 * hand requires (Presentation Creation Date is X in the table yet Type 1 in a presentation state)
 * becomes the nearest action that keeps the file valid: the value is still replaced.
 */
export const pickAction = (code: ActionCode, t: Tag, c: Context): 'D' | 'Z' | 'X' | 'K' | 'C' | 'U' => {
  const type = requiredType(t, c);
  if (!code.includes('/')) {
    if (code === 'X' && type !== 3) return type === 1 ? 'D' : 'Z';
    if (code === 'Z' && type === 1) return 'D';
    return code as 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';
  }
  const options = code.split('/');
  if (type === 3 && options.includes('X')) return 'X';
  if (code === 'X/Z/U*') return type === 1 ? 'U' : 'Z';
  if (type === 1 && options.includes('D')) return 'D';
  if (options.includes('Z')) return 'Z';
  return options.includes('D') ? 'D' : 'X';
};
