import { getString } from '../../src/dicom/values.ts';
import { DEFAULT_MARGIN_MM } from '../../src/pixels/deface/deface.ts';
import { dot, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';
import { CODECS, type Codec, compressSeries } from './compress.ts';
import { resample } from './resample.ts';
import {
  type HeadTurn,
  isStill,
  multiply,
  type Rigid,
  rotation,
  STILL,
  sourceMap,
  toOutput,
  turnRotation,
} from './rigid.ts';
import {
  AXIAL,
  CORONAL,
  gridCovering,
  type Orientation,
  type PatientPosition,
  POSITIONS,
  SAGITTAL,
  type SliceGrid,
  tiltedGantry,
  turned,
  withGaps,
} from './sliceGrid.ts';
import { type HeadName, type SourceHead, sourceHead } from './sources.ts';
import { derivedUid } from './uid.ts';
import { type Storage, storedFrames, writeSeries } from './writeSeries.ts';

/**
 * A derived head series and what must be true of it once defaced. The first four fields are all
 * the series pipeline needs (one line per case: `defaceSeries(c.files)`, then compare with
 * `c.expect` and `c.brainInPatient`); the rest serve these tests and their report.
 */
export interface DerivedCase {
  name: string;
  /** Part 10 files, one per slice. */
  files: Uint8Array[];
  expect: 'defaced' | 'no-face';
  /**
   * Whether a patient position (LPS, mm, in this series' frame of reference) may lie within
   * BRAIN_MARGIN_MM of the source's brain mask, moved with the anatomy: no such voxel may change.
   * Conservative (true a little beyond the margin too, never false within it).
   */
  brainInPatient(p: Vec3): boolean;
  head: HeadName;
  /** What the case is, in a sentence. */
  what: string;
  /** Approximate distance (mm) from a point to the moved source brain mask, for reports. */
  brainDistanceMm(p: Vec3): number;
  /** Where a point of this series was in the source's patient space (the anatomy's move undone). */
  toSource(p: Vec3): Vec3;
  knownFailure?: string;
  /** The source's facial profile (nose tip to chin) moved into this series' patient space. */
  face: Vec3[];
  transferSyntax: string;
  lossy: boolean;
  /** The whole head is in view: its removed volume is compared with the other whole-head cases of its head. */
  wholeHead: boolean;
  /** For a compressed case, the native case it was compressed from. */
  base?: string;
  /** Slices the grid had before any were left out (the gaps case): the share present scales its volumes. */
  slicesBeforeGaps: number;
}

/**
 * The margin (mm) around the moved source brain mask within which no voxel may change: 0, the
 * mask itself. `brainInPatient` is conservative by up to a source cell's half diagonal (0.9 mm
 * for Colin27's 1 mm brain extraction; 1.7 mm for the CT's 2 mm cells; 2.8 mm for the MR's
 * 2 × 2 × 4.8 mm cells), so a voxel that close to the mask's edge counts as inside. The issue's
 * promise of 10 mm is checked on every defaced case too, from the source's mask rather than the
 * case's own: see PROMISED_MARGIN_MM.
 */
export const BRAIN_MARGIN_MM = 0;

/**
 * The margin: the changed voxel nearest the moved source brain mask must be at least this
 * far from it, less one source cell diagonal (`brain.cellDiagonalMm`: the distance is measured
 * between cell centres, and the case's own voxels are placed anew). 10 mm is what the defacer
 * keeps from its own mask on each case; this holds it to the source's.
 */
export const PROMISED_MARGIN_MM = DEFAULT_MARGIN_MM;

/** How a case is made from its source. */
export interface CaseSpec {
  name: string;
  head: HeadName;
  what: string;
  expect: 'defaced' | 'no-face';
  wholeHead: boolean;
  /** The head turned in the scanner, about the brain's centre. */
  turn?: HeadTurn;
  /** Slice orientation (default axial), or one worked out from the source; `stack` for a tilted gantry. */
  orientation?: (Orientation & { stack?: Vec3 }) | ((s: SourceHead) => Orientation & { stack?: Vec3 });
  /** An axial acquisition in this Patient Position (sets the orientation). */
  position?: PatientPosition;
  /** Keep only the head points this accepts when setting the field of view (source coordinates: crops never turn). */
  crop?: (p: Vec3, s: SourceHead) => boolean;
  /** Leave slice k of n out. */
  drop?: (k: number, n: number) => boolean;
  storage?: 'source' | 'signed-padded' | '8-bit';
  /** Compress the native case `base` with this codec. */
  codec?: Codec;
  base?: string;
  /**
   * A defacer limitation this case shows, in words: the test still asserts the expected verdict,
   * as `it.fails`, so it turns red (to be promoted) the day the defacer handles the case.
   */
  knownFailure?: string;
}

/** Pixel and slice size (mm) of the derived grids: small enough to keep the tests fast, fine enough for a 10 mm margin. */
const RESOLUTION: Readonly<Record<HeadName, { pixelMm: number; sliceMm: number }>> = {
  'ct-unc-cthead': { pixelMm: 1.5, sliceMm: 2.5 },
  'mr-decubitus-hfs': { pixelMm: 1.5, sliceMm: 3 },
  colin27: { pixelMm: 1.5, sliceMm: 2.5 },
};

const storageOf = (s: SourceHead, kind: CaseSpec['storage'] = 'source'): Storage => {
  if (s.modality === 'CT')
    return kind === 'signed-padded'
      ? // As many scanners write CT: signed, HU stored as they are, padding outside the reconstruction.
        { bitsAllocated: 16, bitsStored: 16, signed: true, slope: 1, intercept: 0, padding: -2000 }
      : { bitsAllocated: 16, bitsStored: 16, signed: false, slope: 1, intercept: -1024 };
  if (kind === '8-bit') return { bitsAllocated: 8, bitsStored: 8, signed: false, slope: 1, intercept: 0 };
  return { bitsAllocated: 16, bitsStored: 12, signed: false, slope: 1, intercept: 0 };
};

/** An oblique plane: axial turned 35° about left-right, then 20° about the vertical. */
const OBLIQUE = turned(AXIAL, multiply(rotation([0, 0, 1], 20), rotation([1, 0, 0], 35)));

/** Gaps: every 7th slice missing, and a run of three at 60 % of the stack. */
const GAPS = (k: number, n: number) => k % 7 === 3 || (k >= Math.round(0.6 * n) && k < Math.round(0.6 * n) + 3);

/** Head points in front of a plane `mm` behind the nose tip are out of view: the face is cut by the field of view. */
const behindNose = (mm: number) => (p: Vec3, s: SourceHead) => p[1] >= s.noseTip[1] + mm;
/** Head points below an axial plane `mm` above the nose tip are out of view. */
const aboveNoseAxially = (mm: number) => (p: Vec3, s: SourceHead) => p[2] >= s.noseTip[2] + mm;
/** Head points below a plane `mm` above the nose tip, square to the head's own superior, are out of view. */
const aboveNoseAlongHead = (mm: number) => (p: Vec3, s: SourceHead) => dot(sub(p, s.noseTip), s.superior) >= mm;

/** The head's pitch as the defacer estimates it on the source: degrees about left-right from the scanner's superior. */
const headPitch = (s: SourceHead) => (-Math.atan2(s.superior[1], s.superior[2]) * 180) / Math.PI;

/**
 * Slices square to the head's own superior (turned about left-right by its pitch), so the field of
 * view's lower edge follows the head, as a head CT angled along the orbitomeatal line: on CT by
 * tilting the gantry (origins still step along z), on MR as an oblique axial.
 */
const alongHead = (s: SourceHead): Orientation & { stack?: Vec3 } =>
  s.modality === 'CT' ? tiltedGantry(headPitch(s)) : turned(AXIAL, rotation([1, 0, 0], headPitch(s)));

const TURNED: HeadTurn = { yaw: -20, pitch: 20, roll: 10 };

/**
 * Cases where the defacer falls short today, measured (see the report): their tests run as
 * `it.fails` with the same assertions. Fixed and promoted: ct-turned, ct-crop-orbits,
 * ct-crop-axial-nose (the CT mask's 3D enclosure), ct-tilt-jpeg-lossless (the Process 14 decoder),
 * colin-coronal (the cut's margin is kept from the brain mask and its mirror image, `mirroredSupports`:
 * the mask loses the left inferior temporal lobe there, the right one mirrored covers it; 9.5 mm),
 * ct-extension25 (the 10 mm from the source's mask: its long axis, 52° above the header's
 * anterior, was refused as the head's front-to-back and the fan followed the header's axes, cutting
 * 1224 mL down in front of the spine to 2.8 mm from the source's mask at the foramen magnum; it is
 * judged from a neutral head's long axis now, `headAxes.ts`: 654 mL, 8.9 mm). The real face check
 * is asserted too; ct-coronal and mr-sagittal were promoted once its pictures were framed from the
 * top of the head (4 and 5 of 18 views with a face before, 0 after).
 */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {};

/** Every derived case. */
export const CASES: readonly CaseSpec[] = (
  [
    // ---------------------------------------------------------------- the UNC cadaver CT
    ...headCases('ct-unc-cthead', 'ct'),
    {
      name: 'ct-tilt+20',
      head: 'ct-unc-cthead',
      what: 'gantry tilted 20° (slices sheared: IOP turned about x, origins stepping along z)',
      expect: 'defaced',
      wholeHead: true,
      orientation: tiltedGantry(20),
    },
    {
      name: 'ct-tilt-15',
      head: 'ct-unc-cthead',
      what: 'gantry tilted −15°',
      expect: 'defaced',
      wholeHead: true,
      orientation: tiltedGantry(-15),
    },
    ...(['HFP', 'FFS', 'HFDL'] as const).map(
      (position): CaseSpec => ({
        name: `ct-${position.toLowerCase()}`,
        head: 'ct-unc-cthead',
        what: `axial acquisition with the patient ${position}${position === 'FFS' ? ', signed pixels with PixelPaddingValue −2000 outside the field of view' : ''}`,
        expect: 'defaced',
        wholeHead: true,
        position,
        ...(position === 'FFS' ? { storage: 'signed-padded' as const } : {}),
      }),
    ),
    ...(['jpeg-lossless', 'jpeg-ls', 'rle', 'j2k', 'htj2k'] as const).map(
      (codec): CaseSpec => ({
        name: `ct-tilt-${codec}`,
        head: 'ct-unc-cthead',
        what: `ct-tilt+20 compressed by ${CODECS[codec].encoder}`,
        expect: 'defaced',
        wholeHead: true,
        codec,
        base: 'ct-tilt+20',
      }),
    ),
    // ---------------------------------------------------------------- the volunteer's sagittal T1
    ...headCases('mr-decubitus-hfs', 'mr'),
    ...(['jpeg-ls', 'j2k'] as const).map(
      (codec): CaseSpec => ({
        name: `mr-axial-${codec}`,
        head: 'mr-decubitus-hfs',
        what: `mr-axial compressed by ${CODECS[codec].encoder}`,
        expect: 'defaced',
        wholeHead: true,
        codec,
        base: 'mr-axial',
      }),
    ),
    // ---------------------------------------------------------------- Colin27
    ...headCases('colin27', 'colin'),
    {
      name: 'colin-8bit',
      head: 'colin27',
      what: 'axial, 8-bit pixels (Bits Allocated 8)',
      expect: 'defaced',
      wholeHead: true,
      storage: '8-bit',
    },
    ...(['jpeg-baseline', 'rle'] as const).map(
      (codec): CaseSpec => ({
        name: `colin-8bit-${codec}`,
        head: 'colin27',
        what: `colin-8bit compressed by ${CODECS[codec].encoder}`,
        expect: 'defaced',
        wholeHead: true,
        codec,
        base: 'colin-8bit',
      }),
    ),
    {
      name: 'colin-axial-htj2k',
      head: 'colin27',
      what: `colin-axial compressed by ${CODECS.htj2k.encoder}`,
      expect: 'defaced',
      wholeHead: true,
      codec: 'htj2k',
      base: 'colin-axial',
    },
  ] satisfies CaseSpec[]
).map((c) => (KNOWN_FAILURES[c.name] ? { ...c, knownFailure: KNOWN_FAILURES[c.name] } : c));

/** The cases every head gets: reslices, turns, crops, positions, gaps. */
function headCases(head: HeadName, prefix: string): CaseSpec[] {
  const spec = (name: string, what: string, rest: Partial<CaseSpec> = {}): CaseSpec => ({
    name: `${prefix}-${name}`,
    head,
    what,
    expect: 'defaced',
    wholeHead: true,
    ...rest,
  });
  return [
    spec('axial', 'resliced axial (the head as scanned)'),
    spec('coronal', 'resliced coronal', { orientation: CORONAL }),
    spec('sagittal', 'resliced sagittal', { orientation: SAGITTAL }),
    spec('oblique', 'resliced oblique (axial turned 35° about x, then 20° about z)', { orientation: OBLIQUE }),
    spec('yaw25', 'head turned 25° to its left (yaw), slices axial', { turn: { yaw: 25 } }),
    spec('flexion25', 'head pitched 25° chin-down (flexion), slices axial', { turn: { pitch: 25 } }),
    spec('extension25', 'head pitched 25° chin-up (extension), slices axial', { turn: { pitch: -25 } }),
    spec('roll20', 'head rolled 20° towards its right shoulder, slices axial', { turn: { roll: 20 } }),
    spec('turned', 'head turned yaw −20°, pitch 20°, roll 10°, slices axial', { turn: TURNED }),
    spec('hfdr', 'axial acquisition with the patient HFDR (right side down)', { position: 'HFDR' }),
    spec('gaps', 'axial with irregular gaps (every 7th slice and a run of 3 left out)', { drop: GAPS }),
    spec('crop-front', 'field of view cut 20 mm behind the nose tip: the nose and lips partly out of view', {
      crop: behindNose(20),
      wholeHead: false,
    }),
    spec('crop-below-nose', 'slices square to the head from 5 mm below the nose tip up: mouth and chin out of view', {
      crop: aboveNoseAlongHead(-5),
      orientation: alongHead,
      wholeHead: false,
    }),
    spec('crop-axial-nose', 'axial field of view from 5 mm below the nose tip up: lower face out of view', {
      crop: aboveNoseAxially(-5),
      wholeHead: false,
    }),
    // Colin27's box ends 40 mm below the nose, and its brain extraction reaches 41 mm below the nose
    // tip along the head's axis: no plane clears the eyes and keeps 800 mL of it in view.
    ...(head === 'colin27'
      ? []
      : [
          spec(
            'crop-orbits',
            'slices square to the head from 45 mm above the nose tip: the tops of the orbits and the brow in view',
            {
              crop: aboveNoseAlongHead(45),
              orientation: alongHead,
              wholeHead: false,
            },
          ),
          spec(
            'crop-above-eyes',
            'slices square to the head from 75 mm above the nose tip: the whole face out of view',
            {
              crop: aboveNoseAlongHead(75),
              orientation: alongHead,
              wholeHead: false,
              expect: 'no-face',
            },
          ),
        ]),
  ];
}

/** A case's spec by name. */
export const caseSpec = (name: string): CaseSpec => {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no derived case ${name}`);
  return c;
};

const built = new Map<string, Promise<DerivedCase>>();

/** Builds a case (once per process): resampled, written as Part 10, compressed when asked. */
export const buildCase = (spec: CaseSpec): Promise<DerivedCase> => {
  let p = built.get(spec.name);
  if (!p) {
    p = spec.codec ? compressed(spec) : Promise.resolve(native(spec));
    built.set(spec.name, p);
  }
  return p;
};

const compressed = async (spec: CaseSpec): Promise<DerivedCase> => {
  const base = await buildCase(caseSpec(spec.base!));
  const files = await compressSeries(spec.name, base.files, spec.codec!);
  const codec = CODECS[spec.codec!];
  return {
    ...base,
    name: spec.name,
    what: spec.what,
    files,
    transferSyntax: codec.uid,
    lossy: codec.lossy,
    base: base.name,
    ...(spec.knownFailure ? { knownFailure: spec.knownFailure } : {}),
  };
};

/** The grid of a case: the head's points (moved, cropped) covered in the case's orientation. */
export const gridOf = (s: SourceHead, spec: CaseSpec, move: Rigid): { grid: SliceGrid; before: number } => {
  const points = s.headPoints.filter((q) => !spec.crop || spec.crop(q, s)).map((q) => toOutput(move, q));
  const o: Orientation & { stack?: Vec3 } = spec.position
    ? POSITIONS[spec.position]
    : typeof spec.orientation === 'function'
      ? spec.orientation(s)
      : (spec.orientation ?? AXIAL);
  const grid = gridCovering(points, {
    rowCosines: o.rowCosines,
    columnCosines: o.columnCosines,
    ...(o.stack ? { stack: o.stack } : {}),
    ...RESOLUTION[s.name],
    reversed: spec.position === 'FFS',
  });
  const before = grid.positions.length;
  return { grid: spec.drop ? withGaps(grid, (k) => spec.drop!(k, before)) : grid, before };
};

const native = (spec: CaseSpec): DerivedCase => {
  const s = sourceHead(spec.head);
  const move: Rigid = spec.turn ? { rotation: turnRotation(spec.turn), centre: s.centre } : STILL;
  const { grid, before } = gridOf(s, spec, move);
  const storage = storageOf(s, spec.storage);
  const physical = resample(s, grid, move, storage.padding !== undefined);
  const frames = storedFrames(physical, storage);
  const still = isStill(move);
  const back = sourceMap(move);
  const files = writeSeries(s, grid, frames, {
    caseName: spec.name,
    seriesNumber: 1000 + CASES.indexOf(spec),
    derivation: `Veil test case ${spec.name}: ${spec.what}. Trilinear resampling of ${s.name} in patient space.`,
    patientPosition: spec.position ?? 'HFS',
    storage,
    frameOfReferenceUID: still
      ? (getString(s.header, 0x00200052) ?? derivedUid(s.name, 'frame of reference'))
      : derivedUid(spec.name, 'frame of reference'),
  });
  return {
    name: spec.name,
    files,
    expect: spec.expect,
    brainInPatient: (p) => s.brain.near(back(p), BRAIN_MARGIN_MM),
    head: spec.head,
    what: spec.what,
    brainDistanceMm: (p) => s.brain.distanceMm(back(p)),
    toSource: back,
    ...(spec.knownFailure ? { knownFailure: spec.knownFailure } : {}),
    face: s.face.map((q) => toOutput(move, q)),
    transferSyntax: '1.2.840.10008.1.2.1',
    lossy: false,
    wholeHead: spec.wholeHead,
    slicesBeforeGaps: before,
  };
};
