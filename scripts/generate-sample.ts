/**
 * Writes the synthetic sample CD the app offers as "Try with a sample CD" into public/sample/
 * (generated, not committed). Everything in it is fake, and identifying details are put
 * everywhere a real CD has them: the header, private tags, nested sequences, free text, the
 * DICOMDIR, and burned into one image's pixels. It has the clutter of a real CD too: an
 * autorun.inf, a viewer program, a PDF, a photo, files without extensions in nested folders,
 * and one damaged file. The head CT has a face-like surface (nose, lips, eyes) so that a 3D
 * rendering would show a face, as real head scans do.
 *
 *     npx tsx scripts/generate-sample.ts [output folder]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Dataset, type Element } from '../src/dicom/Dataset.ts';
import { vrOf } from '../src/dicom/dictionary.ts';
import { fileMeta } from '../src/dicom/FileMeta.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../src/dicom/TransferSyntax.ts';
import type { VR } from '../src/dicom/VR.ts';
import { stringElement, usElement } from '../src/dicom/values.ts';
import { writePart10 } from '../src/dicom/write.ts';
import { buildDicomdir, type DirectoryEntry } from '../src/output/dicomdir.ts';
import { instanceInfo } from '../src/study/InstanceInfo.ts';

const OUT = process.argv[2] ?? join(import.meta.dirname, '..', 'public', 'sample');

// ------------------------------------------------------------------ building data sets

type Value = string | number | Element | Record<number, Value>[];

/** A data set from { tag: value }: strings by the dictionary's VR, numbers as US, arrays as sequences. */
const ds = (spec: Record<number, Value>, charset: string): Dataset =>
  new Dataset(
    Object.entries(spec).map(([k, v]): Element => {
      const t = Number(k) >>> 0;
      if (Array.isArray(v)) return { tag: t, vr: 'SQ', items: v.map((item) => ds(item, charset)) };
      if (typeof v === 'number') return usElement(t, v);
      if (typeof v === 'string') return stringElement(t, v, vrOf(t), charset);
      return { ...v, tag: t };
    }),
  );

const raw = (vr: VR, bytes: Uint8Array): Element => ({ tag: 0, vr, value: bytes });
const text = (vr: VR, s: string, charset: string): Element => ({ ...stringElement(0, s, vr, charset) });

/** A deterministic UID under 2.25 (PS3.5 §B.2) from a label, so every run writes the same sample. */
const uid = (label: string): string => {
  const h = createHash('sha256').update(`veil-sample:${label}`).digest();
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`) >> 2n}`;
};

const part10 = (d: Dataset, sopClass: string, sopInstance: string): Uint8Array =>
  writePart10({
    meta: fileMeta(sopClass, sopInstance, ExplicitVRLittleEndian),
    dataset: d,
    transferSyntax: transferSyntax(ExplicitVRLittleEndian),
  });

const u16 = (a: Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

// ------------------------------------------------------------------ the fake people

const LATIN1 = 'ISO_IR 100';
const P1 = {
  name: 'MÜLLER^JÖRG',
  id: 'PID-4711-0815',
  birth: '19620314',
  sex: 'M',
  age: '061Y',
  address: 'Lindenstraße 12, 10115 Berlin',
  phone: '+49 30 5550147',
  otherName: 'MUELLER^JOERG',
};
const P2 = { name: 'SMITH^JANE^A', id: 'SM-20417', birth: '19851102', sex: 'F', age: '038Y' };
const HOSPITAL = { name: 'St. Example Hospital Berlin', address: 'Klinikweg 1, 10117 Berlin', station: 'CT-BERLIN-01' };

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const CR = '1.2.840.10008.5.1.4.1.1.1';
const SC = '1.2.840.10008.5.1.4.1.1.7';

// ------------------------------------------------------------------ images

/**
 * The head CT's geometry: 128×128 pixels of 1.8 mm, 64 axial slices 3 mm apart (LPS, mm: x to the
 * patient's left, y to the back, z up), and where the head sits in it.
 */
const CT_GRID = { size: 128, slices: 64, pixel: 1.8, gap: 3, origin: -115.2 };
/** The head's centre (the brain's), LPS mm: a little back from the middle so the nose fits in front. */
const HEAD_CENTRE = { x: 0, y: 8, z: 105 };
/** The intracranial space, semi-axes in mm (anterior, left, superior): about 1.2 L, an adult's. */
const BRAIN = [80, 65, 55] as const;
/** Skull and scalp thickness, mm: everything but the face lies within 10 mm of the brain. */
const SKULL_MM = 6;
const SCALP_MM = 4;

/**
 * The face, in head coordinates (anterior, left, superior, mm from the brain's centre): nose, lips,
 * chin and jaw in soft tissue (40 HU) and two eyes (vitreous, 10 HU), as ellipsoids (centre and
 * semi-axes). Like the face of a real head, all of it lies in front of and below the brain, beyond
 * the 10 mm the defacer keeps around it.
 */
const FACE: { at: [number, number, number]; r: [number, number, number]; hu: number }[] = [
  { at: [90, 0, -32], r: [12, 10, 22], hu: 40 }, // nose
  { at: [84, 0, -62], r: [10, 22, 7], hu: 45 }, // upper lip
  { at: [82, 0, -74], r: [10, 20, 7], hu: 45 }, // lower lip
  { at: [72, 0, -90], r: [13, 22, 12], hu: 40 }, // chin
  { at: [50, 0, -75], r: [26, 40, 24], hu: 40 }, // jaw and cheeks
  { at: [66, 30, -36], r: [11, 11, 11], hu: 10 }, // left eye
  { at: [66, -30, -36], r: [11, 11, 11], hu: 10 }, // right eye
];

/** Where a point is relative to an ellipsoid: below 1 inside (the squared, scaled distance). */
const inside = (p: readonly number[], at: readonly number[], r: readonly number[], grow = 0): number =>
  ((p[0]! - at[0]!) / (r[0]! + grow)) ** 2 +
  ((p[1]! - at[1]!) / (r[1]! + grow)) ** 2 +
  ((p[2]! - at[2]!) / (r[2]! + grow)) ** 2;

/** The HU of the phantom head at a head-coordinate point. */
const headHu = (p: [number, number, number]): number => {
  for (const f of FACE) if (inside(p, f.at, f.r) <= 1) return f.hu;
  const zero = [0, 0, 0];
  if (inside(p, zero, BRAIN) <= 1) {
    // Two lateral ventricles (CSF) in the brain.
    const vent = inside([p[0], Math.abs(p[1]), p[2]], [0, 12, 8], [28, 6, 12]) <= 1;
    return vent ? 5 : 33;
  }
  if (inside(p, zero, BRAIN, SKULL_MM) <= 1) return 1100;
  if (inside(p, zero, BRAIN, SKULL_MM + SCALP_MM) <= 1) return 40;
  return -1000;
};

/**
 * The head CT volume in stored values (HU + 1024), one Uint16Array per axial slice (from the feet
 * up): skin, skull, brain and ventricles, and a face on the front (toward row 0, anterior): nose,
 * lips, chin and eyes. The defacer finds the brain, keeps 10 mm around it, and cuts the face away.
 */
const headVolume = (): Uint16Array[] => {
  const { size, slices, pixel, gap, origin } = CT_GRID;
  const vol: Uint16Array[] = [];
  for (let k = 0; k < slices; k++) {
    const img = new Uint16Array(size * size);
    for (let j = 0; j < size; j++)
      for (let i = 0; i < size; i++) {
        // LPS to head coordinates: anterior is -y, left is +x, superior is +z.
        const x = origin + i * pixel;
        const y = origin + j * pixel;
        const hu = headHu([HEAD_CENTRE.y - y, x - HEAD_CENTRE.x, k * gap - HEAD_CENTRE.z]);
        const noise = hu > -1000 ? ((i * 7 + j * 13 + k * 17) % 9) - 4 : 0;
        img[j * size + i] = Math.max(0, Math.min(4095, hu + 1024 + noise));
      }
    vol.push(img);
  }
  return vol;
};

/**
 * A lateral localizer (topogram) of the head: a projection of the volume from the side, in stored
 * values (0..4095), rows from the top of the volume down, columns from the front to the back. It
 * shows the face in profile, which is why it is held back when its head is defaced.
 */
const lateralLocalizer = (vol: Uint16Array[]): Uint16Array => {
  const { size, slices } = CT_GRID;
  const out = new Uint16Array(slices * size);
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < size; j++) {
      let sum = 0;
      for (let i = 0; i < size; i++) sum += Math.max(0, vol[k]![j * size + i]! - 24); // HU + 1000
      out[(slices - 1 - k) * size + j] = Math.min(4095, Math.round(sum / 40));
    }
  return out;
};

/** A T2-like MR slice (stored values): bright fluid, grey tissue, dark background. */
const mrSlice = (size: number, z: number): Uint16Array => {
  const out = new Uint16Array(size * size);
  const s = 1 - Math.abs(z - 0.5) * 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x - size / 2) / (size / 2);
      const v = (y - size / 2) / (size / 2);
      const r = Math.hypot(u / (0.75 * s), v / (0.88 * s));
      const csf = Math.hypot((Math.abs(u) - 0.15) / 0.09, v / 0.22) < 1;
      out[y * size + x] =
        r < 1 ? (csf ? 900 : r > 0.92 ? 250 : 420 + Math.round(80 * Math.cos(u * 9) * Math.sin(v * 7))) : 8;
    }
  }
  return out;
};

/** A chest radiograph: dark lungs in a brighter body. */
const chest = (size: number): Uint16Array => {
  const out = new Uint16Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x - size / 2) / (size / 2);
      const v = (y - size / 2) / (size / 2);
      let val = Math.abs(u) < 0.85 ? 2200 : 300;
      if (Math.hypot((Math.abs(u) - 0.38) / 0.28, (v + 0.05) / 0.6) < 1) val = 900;
      if (Math.abs(u) < 0.06) val = 3000; // spine
      out[y * size + x] = val + ((x * 3 + y * 5) % 7);
    }
  }
  return out;
};

/**
 * A 5×7 bitmap font for burning text into the secondary capture, as scanners and workstations do:
 * each glyph is seven rows of five cells ('1' is ink), drawn solid at an integer scale.
 */
const FONT: Record<string, string> = {
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  Y: '10001 10001 01010 00100 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  Ä: '01010 00000 01110 10001 11111 10001 10001',
  Ö: '01010 00000 01110 10001 10001 10001 01110',
  Ü: '01010 00000 10001 10001 10001 10001 01110',
  '0': '01110 10001 10001 10001 10001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '/': '00001 00010 00010 00100 01000 01000 10000',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

/** One line of burned-in text: where it starts (top left, pixels) and what it says. */
interface BurnedLine {
  x: number;
  y: number;
  text: string;
}

/**
 * A workstation screen saved as an image: a dark ground with a faint gradient and light grey
 * text in the 5×7 font at `scale` (one cell of spacing between glyphs), 8-bit grey.
 */
const burnedIn = (lines: BurnedLine[], rows: number, cols: number, scale: number): Uint8Array => {
  const img = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) img[y * cols + x] = 12 + ((x + y) >> 5);
  for (const line of lines)
    [...line.text].forEach((ch, ci) => {
      const glyph = (FONT[ch] ?? FONT[' ']!).replace(/ /g, '');
      for (let gy = 0; gy < 7; gy++)
        for (let gx = 0; gx < 5; gx++) {
          if (glyph[gy * 5 + gx] !== '1') continue;
          const x0 = line.x + (ci * 6 + gx) * scale;
          const y0 = line.y + gy * scale;
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++)
              if (y0 + dy < rows && x0 + dx < cols) img[(y0 + dy) * cols + x0 + dx] = 220;
        }
    });
  return img;
};

/** The dose report screen: the patient's name and birth date, and the dose figures. */
const DOSE_SCREEN = { rows: 192, columns: 448, scale: 3 };
const DOSE_LINES: BurnedLine[] = [
  { x: 16, y: 16, text: 'MÜLLER JÖRG' },
  { x: 16, y: 48, text: '14.03.1962' },
  { x: 16, y: 104, text: 'DOSE REPORT' },
  { x: 16, y: 136, text: 'CTDIVOL 52.3 MGY' },
];

// ------------------------------------------------------------------ the CD

interface Out {
  path: string;
  bytes: Uint8Array;
  dir?: DirectoryEntry;
}

const files: Out[] = [];
const addDicom = (path: string, d: Dataset, sopClass: string, sopInstance: string, inDicomdir = true) => {
  const bytes = part10(d, sopClass, sopInstance);
  const meta = fileMeta(sopClass, sopInstance, ExplicitVRLittleEndian);
  files.push({ path, bytes, ...(inDicomdir ? { dir: { fileId: path.split('/'), info: instanceInfo(d, meta) } } : {}) });
  return bytes;
};

/** Patient, study and equipment attributes shared by patient 1's images, with PHI in every usual place. */
const p1Common = (studyUid: string, date: string, accession: string, description: string): Record<number, Value> => ({
  524293: LATIN1,
  524320: date,
  524321: date,
  524336: '093012',
  524368: accession,
  524416: HOSPITAL.name,
  524417: HOSPITAL.address,
  524432: 'SCHMIDT^ANNA^^DR.',
  528400: HOSPITAL.station,
  528432: description,
  528496: 'WEBER^TOM',
  1048592: P1.name,
  1048608: P1.id,
  1048609: 'CHARITE-EXAMPLE',
  1048624: P1.birth,
  1048640: P1.sex,
  1052673: P1.otherName,
  1052688: P1.age,
  1052704: '1.82',
  1052720: '84',
  1052736: P1.address,
  1057108: P1.phone,
  1064960: `Allergic to contrast. Contact wife Maria Müller ${P1.phone}.`,
  1052674: [{ 1048608: 'KV-99812345', 1048610: 'TEXT' }],
  1576960: 'SN-88231',
  2097165: studyUid,
  2097168: 'S4711',
  3280946: 'SCHMIDT^ANNA^^DR.',
  4194933: [
    {
      3280992: description,
      4194313: 'SPS-2024-0815',
      4198401: 'RP-2024-0815',
      4194311: `${description} for ${P1.name}`,
    },
  ],
  // A vendor's private block repeating the patient's identity, as real CDs do.
  589840: 'VEIL SAMPLE PRIVATE',
  593921: text('LO', P1.name, LATIN1),
  593922: text('LO', P1.id, LATIN1),
  593923: text('LO', `Referral from Dr. Schmidt for Jörg Müller, born 14.03.1962`, LATIN1),
});

// Patient 1, study 1: a head CT (64 slices, 128×128) with its localizer, and a dose report
// screenshot with text in its pixels.
const s1 = uid('p1-study1');
const ctSeries = uid('p1-ct');
const frame = uid('p1-frame');
const head = headVolume();
head.forEach((img, i) => {
  const sop = uid(`p1-ct-${i}`);
  const d = ds(
    {
      ...p1Common(s1, '20240203', 'ACC20240203001', 'CT Kopf nativ'),
      524296: 'ORIGINAL\\PRIMARY\\AXIAL',
      524310: CT,
      524312: sop,
      524384: 'CT',
      528446: 'Kopf 2mm axial',
      1572885: 'HEAD',
      1572944: '3',
      1572960: '120',
      1577008: 'CT HEAD ROUTINE',
      2097166: ctSeries,
      2097169: '2',
      2097171: String(i + 1),
      2097202: `${CT_GRID.origin}\\${CT_GRID.origin}\\${(i * CT_GRID.gap).toFixed(1)}`,
      2097207: '1\\0\\0\\0\\1\\0',
      2097234: frame,
      2101313: (i * CT_GRID.gap).toFixed(1),
      2113536: i === 31 ? 'Pat. Müller, Jörg - Verlaufskontrolle' : '',
      2621442: 1,
      2621444: 'MONOCHROME2',
      2621456: 128,
      2621457: 128,
      2621488: '1.8\\1.8',
      2621696: 16,
      2621697: 12,
      2621698: 11,
      2621699: 0,
      2622209: 'NO',
      2625616: '40',
      2625617: '80',
      2625618: '-1024',
      2625619: '1',
      2145386512: raw('OW', u16(img)),
    },
    LATIN1,
  );
  addDicom(`DICOM/PA000001/ST000001/SE000001/IM${String(i + 1).padStart(6, '0')}`, d, CT, sop);
});

// The localizer the technologist planned the head CT on: same frame of reference, seen from the side.
const scoutSop = uid('p1-scout');
addDicom(
  'DICOM/PA000001/ST000001/SE000003/IM000001',
  ds(
    {
      ...p1Common(s1, '20240203', 'ACC20240203001', 'CT Kopf nativ'),
      524296: 'ORIGINAL\\PRIMARY\\LOCALIZER',
      524310: CT,
      524312: scoutSop,
      524384: 'CT',
      528446: 'Topogramm lateral',
      1572885: 'HEAD',
      1572960: '120',
      1577008: 'CT HEAD ROUTINE',
      2097166: uid('p1-scout-series'),
      2097169: '1',
      2097171: '1',
      // Rows run down (-z), columns from the front to the back (+y): a view from the patient's left.
      2097202: `0\\${CT_GRID.origin}\\${((CT_GRID.slices - 1) * CT_GRID.gap).toFixed(1)}`,
      2097207: '0\\1\\0\\0\\0\\-1',
      2097234: frame,
      2621442: 1,
      2621444: 'MONOCHROME2',
      2621456: CT_GRID.slices,
      2621457: CT_GRID.size,
      2621488: `${CT_GRID.gap}\\${CT_GRID.pixel}`,
      2621696: 16,
      2621697: 12,
      2621698: 11,
      2621699: 0,
      2622209: 'NO',
      2625616: '2000',
      2625617: '4000',
      2145386512: raw('OW', u16(lateralLocalizer(head))),
    },
    LATIN1,
  ),
  CT,
  scoutSop,
);

const scSop = uid('p1-sc');
addDicom(
  'DICOM/PA000001/ST000001/SE000002/IM000001',
  ds(
    {
      ...p1Common(s1, '20240203', 'ACC20240203001', 'CT Kopf nativ'),
      524296: 'DERIVED\\SECONDARY',
      524310: SC,
      524312: scSop,
      524384: 'OT',
      524388: 'WSD',
      528446: 'Dose Report',
      2097166: uid('p1-sc-series'),
      2097169: '999',
      2097171: '1',
      2621442: 1,
      2621444: 'MONOCHROME2',
      2621456: DOSE_SCREEN.rows,
      2621457: DOSE_SCREEN.columns,
      2621696: 8,
      2621697: 8,
      2621698: 7,
      2621699: 0,
      2145386512: raw('OB', burnedIn(DOSE_LINES, DOSE_SCREEN.rows, DOSE_SCREEN.columns, DOSE_SCREEN.scale)),
    },
    LATIN1,
  ),
  SC,
  scSop,
);

// Patient 1, study 2: a chest radiograph a month later.
const s2 = uid('p1-study2');
const crSop = uid('p1-cr');
addDicom(
  'DICOM/PA000001/ST000002/SE000001/IM000001',
  ds(
    {
      ...p1Common(s2, '20240305', 'ACC20240305017', 'Thorax pa'),
      524296: 'ORIGINAL\\PRIMARY',
      524310: CR,
      524312: crSop,
      524384: 'CR',
      528446: 'Thorax pa stehend',
      1572885: 'CHEST',
      2097166: uid('p1-cr-series'),
      2097169: '1',
      2097171: '1',
      2097184: 'P\\F',
      2113536: 'Aufnahme für Herrn Müller, Station 4B',
      2621442: 1,
      2621444: 'MONOCHROME2',
      2621456: 256,
      2621457: 256,
      2621488: '1.4\\1.4',
      2621696: 16,
      2621697: 12,
      2621698: 11,
      2621699: 0,
      2622209: 'NO',
      2625616: '1800',
      2625617: '3000',
      2145386512: raw('OW', u16(chest(256))),
    },
    LATIN1,
  ),
  CR,
  crSop,
);

// Patient 2: a short MR brain series, plain ASCII, with a referring doctor and hospital.
const s3 = uid('p2-study');
const mrSeries = uid('p2-mr');
for (let i = 0; i < 8; i++) {
  const sop = uid(`p2-mr-${i}`);
  addDicom(
    `DICOM/PA000002/ST000001/SE000001/IM${String(i + 1).padStart(6, '0')}`,
    ds(
      {
        524296: 'ORIGINAL\\PRIMARY\\M\\ND',
        524310: MR,
        524312: sop,
        524320: '20230911',
        524336: '141500',
        524368: 'ACC-MR-77120',
        524384: 'MR',
        524416: 'Example Imaging Centre Leeds',
        524432: 'PATEL^RAVI^^DR',
        528432: 'MRI BRAIN',
        528446: 'T2 TSE axial',
        1048592: P2.name,
        1048608: P2.id,
        1048624: P2.birth,
        1048640: P2.sex,
        1052688: P2.age,
        1572885: 'BRAIN',
        1572944: '5',
        2097165: s3,
        2097166: mrSeries,
        2097169: '3',
        2097171: String(i + 1),
        2097202: `-120\\-120\\${i * 5}`,
        2097207: '1\\0\\0\\0\\1\\0',
        2621442: 1,
        2621444: 'MONOCHROME2',
        2621456: 96,
        2621457: 96,
        2621488: '2.5\\2.5',
        2621696: 16,
        2621697: 12,
        2621698: 11,
        2621699: 0,
        2622209: 'NO',
        2145386512: raw('OW', u16(mrSlice(96, i / 7))),
      },
      '',
    ),
    MR,
    sop,
  );
}

// A damaged file: a CT slice cut off half-way, as a scratched CD gives.
const damaged = files.find((f) => f.path.endsWith('SE000001/IM000040'))!.bytes;
files.push({ path: 'DICOM/PA000001/ST000001/SE000001/IM000065', bytes: damaged.subarray(0, 1500) });

// The DICOMDIR: the disc's index, naming the patients (built from the originals, like a real CD's).
const dir = buildDicomdir(
  files.flatMap((f) => (f.dir ? [f.dir] : [])),
  { fileSetId: 'MUELLER_CD' },
);
if (!dir.ok) throw new Error(`sample DICOMDIR: ${dir.error}`);
files.push({ path: 'DICOMDIR', bytes: dir.bytes });

// The clutter of a real CD.
const ascii = (s: string) => new TextEncoder().encode(s);
files.push({
  path: 'AUTORUN.INF',
  bytes: ascii('[autorun]\r\nopen=VIEWER\\VIEWER.EXE\r\nicon=VIEWER\\VIEWER.EXE,0\r\nlabel=MUELLER JOERG CT 2024\r\n'),
});
files.push({
  path: 'VIEWER/VIEWER.EXE',
  bytes: Uint8Array.from([
    0x4d,
    0x5a,
    0x90,
    0,
    3,
    0,
    0,
    0,
    4,
    0,
    0,
    0,
    0xff,
    0xff,
    0,
    0,
    ...ascii('This program cannot be run in DOS mode.'),
  ]),
});
files.push({
  path: 'VIEWER/README.TXT',
  bytes: ascii('Example DICOM Viewer 3.2\r\nDouble-click VIEWER.EXE to view the images on this disc.\r\n'),
});
files.push({
  path: 'REPORT/BEFUND.PDF',
  bytes: ascii(
    '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Befund für Jörg Müller, geb. 14.03.1962\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  ),
});
files.push({
  path: 'REPORT/PHOTO001.JPG',
  bytes: Uint8Array.from([
    0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
  ]),
});

// ------------------------------------------------------------------ write

rmSync(OUT, { recursive: true, force: true });
for (const f of files) {
  const p = join(OUT, f.path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, f.bytes);
}
writeFileSync(join(OUT, 'index.json'), `${JSON.stringify({ files: files.map((f) => f.path).sort() }, null, 1)}\n`);
// The sample is generated: keep it out of git without touching the repository's .gitignore.
writeFileSync(join(OUT, '.gitignore'), '*\n');
const total = files.reduce((n, f) => n + f.bytes.length, 0);
console.log(`sample CD: ${files.length} files, ${(total / 1024 / 1024).toFixed(1)} MB in ${OUT}`);
