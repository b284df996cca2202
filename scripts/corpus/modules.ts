import { type Builder, privateTag } from './build.ts';
import type { Patient } from './patients.ts';

/**
 * PS3.3 modules shared by the corpus's objects, filled with the patient's identities wherever a
 * real device or a careless user puts them: every text field, nested sequences three or more
 * levels deep, private blocks, free text. Each function fills one module (or one macro).
 */

/** A study on the CD. */
export interface Study {
  uid: string;
  date: string;
  time: string;
  description: string;
  accession: string;
  studyId: string;
  /** A prior study the header refers to (Referenced Study Sequence). */
  priorUid: string;
}

/** A series of a study. */
export interface Series {
  uid: string;
  number: number;
  modality: string;
  description: string;
  frameOfReferenceUid: string;
  time: string;
  bodyPart: string;
  protocol: string;
  /** Laterality (0020,0060): Type 2C, needed for paired body parts such as the knee. */
  laterality?: string;
}

/** Everything an object builder needs. */
export interface Context {
  p: Patient;
  study: Study;
  series: Series;
  /** The UID root every UID of this patient starts with (it embeds the birth date, as some sites do). */
  root: string;
}

/** An SQ code item: Code Value, Coding Scheme Designator, Code Meaning (PS3.3 Table 8.8-1). */
export const code =
  (value: string, scheme: string, meaning: string) =>
  (b: Builder): void => {
    b.str(0x00080100, value).str(0x00080102, scheme).str(0x00080104, meaning);
  };

/** Age at the study date as an AS value ("063Y"), PS3.5 Table 6.2-1. */
export const ageAt = (birth: string, on: string): string => {
  let years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(4) < birth.slice(4)) years--;
  return `${String(years).padStart(3, '0')}Y`;
};

/** Patient Module (PS3.3 C.7.1.1) plus every other patient-identifying attribute in PS3.15 E.1-1. */
export const patientModule = (b: Builder, { p, root }: Context): void => {
  const [birthY, birthM, birthD] = [p.birthDate.slice(0, 4), p.birthDate.slice(4, 6), p.birthDate.slice(6)];
  b.str(0x00100010, p.name)
    .str(0x00100020, p.id)
    .str(0x00100021, p.issuer)
    // Issuer of Patient ID Qualifiers > Assigning Facility > Local Namespace: three levels of PHI.
    .sq(0x00100024, (q) =>
      q
        .str(0x00400032, `${root}.77`)
        .str(0x00400033, 'ISO')
        .str(0x00400035, 'MR')
        .sq(0x00400036, (f) => f.str(0x00400031, p.site.institution)),
    )
    .str(0x00100030, p.birthDate)
    .str(0x00100032, p.birthTime)
    .str(0x00100040, p.sex)
    .str(0x00101000, p.otherIds, 'LO')
    .sq(
      0x00101002,
      ...p.otherIds.map((id, i) => (o: Builder) => {
        o.str(0x00100020, id)
          .str(0x00100021, i === 0 ? p.issuer : p.site.institution)
          .str(0x00100022, 'TEXT')
          .sq(0x00100024, (q) =>
            q
              .str(0x00400032, `${root}.78.${i + 1}`)
              .str(0x00400033, 'ISO')
              .sq(0x00400036, (f) =>
                f.str(0x00400031, p.site.institution).sq(0x00400039, (j) => j.str(0x00400031, p.site.department)),
              ),
          );
      }),
    )
    .str(0x00101001, p.otherNames)
    .str(0x00101060, p.mothersBirthName)
    .str(0x00101040, p.address)
    .str(0x00102154, p.phone)
    .str(0x00102180, p.occupation)
    .str(0x00101090, p.medicalRecordLocator)
    .str(0x00104000, `${p.textName} (${p.id}), DOB ${birthM}/${birthD}/${birthY}. Tel. ${p.phone}`, 'LT');
};

/** General Study Module (C.7.2.1) with the request and referral details that carry names. */
export const generalStudy = (b: Builder, { p, study, root }: Context): void => {
  b.str(0x0020000d, study.uid)
    .str(0x00080020, study.date)
    .str(0x00080030, study.time)
    .str(0x00080090, p.staff.referring)
    .str(0x00080092, p.site.address)
    .str(0x00080094, p.phone)
    .str(0x00200010, study.studyId)
    .str(0x00080050, study.accession)
    .sq(0x00080051, (i) => i.str(0x00400031, p.site.institution).str(0x00400032, `${root}.79`).str(0x00400033, 'ISO'))
    .str(0x00081030, study.description)
    .str(0x00081048, p.staff.reading)
    .str(0x00081060, p.staff.reading)
    .sq(0x00081110, (r) => r.str(0x00081150, '1.2.840.10008.3.1.2.3.1').str(0x00081155, study.priorUid))
    .sq(0x00081032, code('24725-4', 'LN', 'CT Head'))
    .str(0x00321032, p.staff.requesting)
    .str(
      0x00324000,
      `Requested by ${p.staff.requesting.split('^')[0]} for ${p.textName} (*${p.birthDateForms[4]})`,
      'LT',
    );
};

/** Patient Study Module (C.7.2.2): age, size, weight (kept by Retain Patient Characteristics) and history. */
export const patientStudy = (b: Builder, { p, study }: Context): void => {
  const iso = `${p.birthDate.slice(0, 4)}-${p.birthDate.slice(4, 6)}-${p.birthDate.slice(6)}`;
  b.str(0x00101010, ageAt(p.birthDate, study.date))
    .num(0x00101020, p.size)
    .num(0x00101030, p.weight)
    .str(0x00081080, `${p.textName}: ${p.birthDateForms.at(-1)}`)
    .str(0x001021b0, `${p.textName}, born ${iso}, lives at ${p.address}`, 'LT');
};

/**
 * General Series Module (C.7.3.1) including the Request Attributes Sequence, whose Scheduled
 * Protocol Code Sequence > Protocol Context Sequence puts a name and free text three levels deep.
 */
export const generalSeries = (b: Builder, ctx: Context): void => {
  const { p, study, series, root } = ctx;
  b.str(0x00080060, series.modality)
    .str(0x0020000e, series.uid)
    .num(0x00200011, series.number, 'IS')
    .str(0x00080021, study.date)
    .str(0x00080031, series.time)
    .str(0x0008103e, series.description)
    .str(0x00081050, p.staff.performing)
    .str(0x00181030, series.protocol)
    .str(0x00081070, p.staff.operator)
    .str(0x00180015, series.bodyPart);
  if (series.laterality) b.str(0x00200060, series.laterality);
  b.sq(0x00400275, (r) =>
    r
      .str(0x00080050, study.accession)
      .sq(0x00080051, (i) => i.str(0x00400031, p.site.institution))
      .str(0x00401001, `RP${study.accession.slice(-6)}`)
      .str(0x00321060, `${series.protocol} ${p.textName}`)
      .str(0x00400009, `SPS${study.accession.slice(-6)}`)
      .str(0x00400007, `${series.description} ${p.otherNames.replace('^', ' ')}`)
      .str(0x0020000d, study.uid)
      .sq(0x00400008, (c) => {
        code('P1-A0001', '99VEIL', 'Routine protocol')(c);
        c.sq(0x00400440, (x) =>
          x
            .str(0x0040a040, 'PNAME')
            .sq(0x0040a043, code('121029', 'DCM', 'Subject Name'))
            .str(0x0040a123, p.name),
        );
      }),
  )
    .str(0x00400253, `PPS${study.accession.slice(-6)}`)
    .str(0x00400244, study.date)
    .str(0x00400245, series.time)
    .str(0x00400254, `${series.description} for ${p.otherNames.split('^')[0]}`)
    .sq(0x00081111, (r) => r.str(0x00081150, '1.2.840.10008.3.1.2.3.3').str(0x00081155, `${root}.80.${series.number}`));
};

/** Frame of Reference Module (C.7.4.1). */
export const frameOfReference = (b: Builder, { series }: Context): void => {
  b.str(0x00200052, series.frameOfReferenceUid).empty(0x00201040);
};

/** General Equipment Module (C.7.5.1): institution and device identity (Retain options off). */
export const generalEquipment = (b: Builder, { p }: Context): void => {
  b.str(0x00080070, 'Veil Test Imaging')
    .str(0x00080080, p.site.institution)
    .str(0x00080081, p.site.address, 'ST')
    .str(0x00081010, p.site.station)
    .str(0x00081040, p.site.department)
    .str(0x00081090, 'PHANTOM 64')
    .str(0x00181000, p.site.serial)
    .str(0x00181020, 'VEIL-1.0');
};

/** General Acquisition (C.7.10.1) dates, with an Acquisition DateTime carrying a UTC offset. */
export const acquisition = (b: Builder, { p, study, series }: Context, n: number): void => {
  const t = addSeconds(series.time, n * 3);
  b.num(0x00200012, 1, 'IS')
    .str(0x00080022, study.date)
    .str(0x00080032, t)
    .str(0x0008002a, `${study.date}${t}.${String(123456 + n).padStart(6, '0')}${p.site.tz}`);
};

/** General Image Module (C.7.6.1) attributes common to every image here, and free-text comments. */
export const generalImage = (b: Builder, { p, study, series }: Context, n: number, imageType: string[]): void => {
  const [y, m, d] = [p.birthDate.slice(0, 4), p.birthDate.slice(4, 6), p.birthDate.slice(6)];
  b.num(0x00200013, n, 'IS')
    .str(0x00080008, imageType)
    .str(0x00080023, study.date)
    .str(0x00080033, addSeconds(series.time, n * 3))
    .str(0x00204000, `Pat. ${p.textName}, geb. ${d}.${m}.${y}, ID ${p.id}, Tel. ${p.phone}`, 'LT');
};

/** Image Plane Module (C.7.6.2) for an axial stack. */
export const imagePlane = (b: Builder, spacing: number, thickness: number, z: number, size: number): void => {
  const half = (size * spacing) / 2;
  b.num(0x00280030, [spacing, spacing])
    .num(0x00200037, [1, 0, 0, 0, 1, 0])
    .num(0x00200032, [-half, -half, z])
    .num(0x00180050, thickness)
    .num(0x00201041, z);
};

/** Image Pixel Module (C.7.6.3) for single-sample images. */
export const imagePixel = (
  b: Builder,
  rows: number,
  cols: number,
  bitsAllocated: 8 | 16,
  bitsStored: number,
  pixelData: Uint8Array,
  photometric = 'MONOCHROME2',
): void => {
  b.us(0x00280002, 1)
    .str(0x00280004, photometric)
    .us(0x00280010, rows)
    .us(0x00280011, cols)
    .us(0x00280100, bitsAllocated)
    .us(0x00280101, bitsStored)
    .us(0x00280102, bitsStored - 1)
    .us(0x00280103, 0)
    .bytes(0x7fe00010, bitsAllocated === 8 ? 'OB' : 'OW', pixelData);
};

/** VOI LUT Module (C.11.2): one window. */
export const window = (b: Builder, center: number, width: number, explanation: string): void => {
  b.num(0x00281050, center).num(0x00281051, width).str(0x00281055, explanation);
};

/** SOP Common Module (C.12.1): character set, identity of the instance and when it was made. */
export const sopCommon = (b: Builder, { p, study, series, root }: Context, sopClass: string, uid: string): void => {
  if (b.charset) b.str(0x00080005, b.charset.split('\\'), 'CS');
  b.str(0x00080016, sopClass)
    .str(0x00080018, uid)
    .str(0x00080012, study.date)
    .str(0x00080013, series.time)
    .str(0x00080014, `${root}.81`)
    .str(0x00080201, p.site.tz);
};

/**
 * Private data (PS3.5 §7.8): an "ACME 1.0" block holding the name, the ID, an undocumented binary
 * blob with both, and a private SQ holding the name again two levels down; plus a second creator
 * in another group with the address and phone. Retain Safe Private is off, so all must go.
 */
export const privateBlocks = (b: Builder, { p }: Context, encode: (s: string) => Uint8Array): void => {
  const acme = (t: number) => privateTag(0x0009, 0x10, t);
  const blob = encode(`HDR1;NAME=${p.name};PID=${p.id};DOB=${p.birthDate};END`);
  b.str(0x00090010, 'ACME 1.0', 'LO')
    .str(acme(0x01), p.name, 'PN')
    .str(acme(0x02), p.id, 'LO')
    .bytes(acme(0x03), 'OB', blob.length % 2 ? concat(blob, Uint8Array.of(0)) : blob)
    .sq(acme(0x04), (i) =>
      i
        .str(0x00090010, 'ACME 1.0', 'LO')
        .str(acme(0x01), p.name, 'PN')
        .sq(acme(0x05), (j) => j.str(0x00090010, 'ACME 1.0', 'LO').str(acme(0x06), p.birthDateForms[2]!, 'LO')),
    )
    .str(0x00110010, 'VEIL PHI TEST', 'LO')
    .str(privateTag(0x0011, 0x10, 0x01), `${p.address}; ${p.phone}`, 'LT')
    .str(privateTag(0x0011, 0x10, 0x02), p.staff.referring, 'PN');
};

/** Curve (retired 50xx group, PS3.3 2004 C.10.2): an ECG strip labelled with the patient. */
export const curve = (b: Builder, { p }: Context): void => {
  const points = 16;
  const data = new Uint8Array(points * 2);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < points; i++) dv.setUint16(i * 2, 512 + Math.round(200 * Math.sin(i / 2)), b.littleEndian);
  b.us(0x50000005, 1)
    .us(0x50000010, points)
    .str(0x50000020, 'ECG', 'CS')
    .str(0x50000022, `ECG ${p.textName}`, 'LO')
    .str(0x50000030, 'DPPS', 'SH')
    .us(0x50000103, 0)
    .str(0x50002500, `${p.otherNames.split('^')[0]} ${p.birthDate}`, 'LO')
    .bytes(0x50003000, 'OW', data);
};

/** Overlay Plane Module (C.9.2) with the name in the description, label and comments. */
export const overlay = (
  b: Builder,
  { p }: Context,
  group: number,
  rows: number,
  cols: number,
  bits: Uint8Array,
): void => {
  const t = (e: number) => ((group << 16) | e) >>> 0;
  b.us(t(0x0010), rows)
    .us(t(0x0011), cols)
    .str(t(0x0022), `Annotation for ${p.textName}`, 'LO')
    .str(t(0x0040), 'G', 'CS')
    .ss(t(0x0050), 1, 1)
    .us(t(0x0100), 1)
    .us(t(0x0102), 0)
    .str(t(0x1500), `${p.otherNames.replace('^', ' ')}`, 'LO')
    .bytes(t(0x3000), 'OW', bits)
    .str(t(0x4000), `Drawn on ${p.textName}'s scan`, 'LT');
};

/** Adds seconds to an HHMMSS time (no day roll-over needed for corpus times). */
export const addSeconds = (hhmmss: string, s: number): string => {
  const total = Number(hhmmss.slice(0, 2)) * 3600 + Number(hhmmss.slice(2, 4)) * 60 + Number(hhmmss.slice(4, 6)) + s;
  const f = (n: number) => String(n).padStart(2, '0');
  return `${f(Math.floor(total / 3600) % 24)}${f(Math.floor(total / 60) % 60)}${f(total % 60)}`;
};

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
