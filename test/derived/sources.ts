import { Dataset } from '../../src/dicom/Dataset.ts';
import { stringElement } from '../../src/dicom/values.ts';
import { planDeface } from '../../src/pixels/deface/deface.ts';
import { readVoxels } from '../../src/pixels/deface/readVoxels.ts';
import { colinPresent, MRICRON, niftiVoxels, readNifti } from '../../src/pixels/deface/testColin.ts';
import { faceProfile } from '../../src/pixels/deface/testFace.ts';
import type { Voxels } from '../../src/pixels/deface/Voxels.ts';
import { voxelToPatient } from '../../src/pixels/geometry/Volume.ts';
import { norm, scale, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';
import { headsPresent, readHeadFiles } from '../heads.ts';
import { type PatientMask, type PlacedGrid, patientMask } from './patientMask.ts';
import { derivedUid } from './uid.ts';

/** The real heads derived cases are made from. */
export type HeadName = 'ct-unc-cthead' | 'mr-decubitus-hfs' | 'colin27';

/**
 * A source head, read once: its voxels on a regular grid in patient space, a header to copy the
 * patient and study from, its brain mask, the points of its face and of its head.
 */
export interface SourceHead {
  name: HeadName;
  modality: 'CT' | 'MR';
  voxels: Voxels;
  /** Voxel (column, row, slice) is at origin + column·steps[0] + row·steps[1] + slice·steps[2]: checked regular. */
  grid: PlacedGrid;
  /** The data set of the first slice (Pixel Data removed), or a synthetic one for Colin27 (a NIfTI file). */
  header: Dataset;
  /** The brain mask in patient space: the defacer's own mask on the source (CT, MR), or ch2bet (Colin27). */
  brain: PatientMask;
  /** Where the brain mask comes from, in words. */
  brainFrom: string;
  /** The brain mask's centroid (mm, LPS): what a turned head turns about. */
  centre: Vec3;
  /** The head's superior, as the defacer estimates it on the source (the brain's long axis frame). */
  superior: Vec3;
  /** Points of the head ("not air", the defacer's head mask), every few mm: what a field of view must cover. */
  headPoints: Vec3[];
  /** The facial profile from the nose tip down (testFace's `faceProfile`), in patient space. */
  face: Vec3[];
  /** The nose tip (the profile's first point). */
  noseTip: Vec3;
  /** What lies outside the source's field of view, physical: CT air, MR background. */
  outside: number;
  /** The source's own verdict figures (the un-derived head). */
  own: { removedMl: number; brainMl: number };
}

/** Whether a head's data is here; why not, when not. */
export const sourceAbsent = (name: HeadName): string | undefined => {
  if (name === 'colin27')
    return colinPresent ? undefined : `${MRICRON} is absent (scripts/fetch-mricron.sh puts Colin27 there)`;
  return headsPresent ? undefined : 'the shared heads (../shared/data/heads, or VEIL_HEADS) are absent';
};

const cache = new Map<HeadName, SourceHead>();

/** Reads a source head (once per process). Throws when its data is absent: check `sourceAbsent` first. */
export const sourceHead = (name: HeadName): SourceHead => {
  let s = cache.get(name);
  if (!s) {
    s = name === 'colin27' ? readColin() : readDicomHead(name);
    cache.set(name, s);
  }
  return s;
};

/** The regular grid of a volume's voxels (throws if the slices are not evenly spaced and parallel). */
const placedGridOf = (v: Voxels): PlacedGrid => {
  const vol = v.volume;
  const n = vol.frames.length;
  const origin = vol.frames[0]!.imagePositionPatient;
  const sliceStep = scale(sub(vol.frames[n - 1]!.imagePositionPatient, origin), 1 / (n - 1));
  vol.frames.forEach((f, k) => {
    if (
      norm(sub(f.imagePositionPatient, [0, 1, 2].map((a) => origin[a]! + k * sliceStep[a]!) as unknown as Vec3)) > 0.01
    )
      throw new Error(`source slice ${k} is off the regular grid`);
  });
  return { dims: v.dims, origin, steps: [vol.columnStep, vol.rowStep, sliceStep] };
};

/** The working grid of the defacer's masks, placed in patient space (cell centres). */
const workGridPlaced = (v: Voxels, factors: readonly [number, number, number], dims: PlacedGrid['dims']) => {
  const g = placedGridOf(v);
  const [fx, fy, fz] = factors;
  const origin = voxelToPatient(v.volume, (fx - 1) / 2, (fy - 1) / 2, (fz - 1) / 2);
  return {
    dims,
    origin,
    steps: [scale(g.steps[0], fx), scale(g.steps[1], fy), scale(g.steps[2], fz)] as const,
  } satisfies PlacedGrid;
};

const profileOf = (v: Voxels, tissueAbove: number, belowMm: number): Vec3[] =>
  faceProfile(v, tissueAbove, belowMm).map((p) => voxelToPatient(v.volume, p.column, p.row, p.slice));

const PIXEL_DATA = 0x7fe00010;

const readDicomHead = (name: 'ct-unc-cthead' | 'mr-decubitus-hfs'): SourceHead => {
  const files = readHeadFiles(name);
  const read = readVoxels(files);
  if (!read.ok) throw new Error(`${name}: ${read.error.message}`);
  const v = read.value.voxels;
  const plan = planDeface(v);
  if (plan.verdict.kind !== 'defaced') throw new Error(`${name}: the source itself is not defaced`);
  const w = plan.mask.work;
  const placed = workGridPlaced(v, w.factors, w.dims);
  const first = files[v.volume.frames[0]!.source.instance]!;
  const header = new Dataset(first.dataset.elements().filter((e) => e.tag !== PIXEL_DATA));
  const face = profileOf(v, plan.mask.tissueAbove, 60);
  return {
    name,
    modality: v.modality,
    voxels: v,
    grid: placedGridOf(v),
    header,
    brain: patientMask(plan.mask.brain, placed),
    brainFrom: 'the defacer’s own brain mask of the source (planDeface on the un-derived series)',
    centre: plan.verdict.axes.centre,
    superior: plan.verdict.axes.superior,
    headPoints: patientMask(plan.mask.head, placed).centres(2),
    face,
    noseTip: face[0]!,
    outside: v.modality === 'CT' ? -1000 : 0,
    own: { removedMl: plan.verdict.removedMl, brainMl: plan.verdict.brainMl },
  };
};

const readColin = (): SourceHead => {
  const head = readNifti(`${MRICRON}/ch2.nii.gz`);
  const bet = readNifti(`${MRICRON}/ch2bet.nii.gz`);
  const { voxels: v } = niftiVoxels(head);
  // niftiVoxels keeps NIfTI's k order (superior along k), so ch2bet's index is the voxels' index.
  if (v.volume.frames.some((f, k) => f.source.instance !== k)) throw new Error('Colin27: slices reordered');
  const brainCells = new Uint8Array(bet.data.length);
  for (let p = 0; p < brainCells.length; p++) brainCells[p] = bet.data[p]! > 0 ? 1 : 0;
  const plan = planDeface(v);
  if (plan.verdict.kind !== 'defaced') throw new Error('Colin27: the source itself is not defaced');
  const w = plan.mask.work;
  const grid = placedGridOf(v);
  const brain = patientMask(brainCells, grid);
  const face = profileOf(v, plan.mask.tissueAbove, 40);
  const centres = brain.centres(2);
  const centre = scale(
    centres.reduce<Vec3>((s, q) => [s[0] + q[0], s[1] + q[1], s[2] + q[2]], [0, 0, 0]),
    1 / centres.length,
  );
  return {
    name: 'colin27',
    modality: 'MR',
    voxels: v,
    grid,
    header: colinHeader(),
    brain,
    brainFrom: 'ch2bet, Colin27’s own brain extraction (independent of the defacer)',
    centre,
    superior: plan.verdict.axes.superior,
    headPoints: patientMask(plan.mask.head, workGridPlaced(v, w.factors, w.dims)).centres(2),
    face,
    noseTip: face[0]!,
    outside: 0,
    own: { removedMl: plan.verdict.removedMl, brainMl: plan.verdict.brainMl },
  };
};

/**
 * The header a DICOM export of Colin27 would carry: the patient, the study and what the MR Image
 * module requires (Holmes et al. 1998: 27 T1-weighted FLASH scans at 1.5 T, TR 18 ms, TE 10 ms,
 * flip 30°, averaged). Test data: the names are placeholders.
 */
const colinHeader = (): Dataset =>
  new Dataset([
    stringElement(0x00080016, '1.2.840.10008.5.1.4.1.1.4', 'UI'),
    stringElement(0x00080020, '19980101', 'DA'),
    stringElement(0x00080030, '120000', 'TM'),
    stringElement(0x00080050, '', 'SH'),
    stringElement(0x00080060, 'MR', 'CS'),
    stringElement(0x00080070, 'MNI (Colin27, 27 scans averaged)', 'LO'),
    stringElement(0x00080090, '', 'PN'),
    stringElement(0x00081030, 'Colin27 whole head T1 (mricron-data), as DICOM', 'LO'),
    stringElement(0x0008103e, 'ch2', 'LO'),
    stringElement(0x00100010, 'COLIN27^TEMPLATE', 'PN'),
    stringElement(0x00100020, 'COLIN27', 'LO'),
    stringElement(0x00100030, '', 'DA'),
    stringElement(0x00100040, 'M', 'CS'),
    stringElement(0x00180015, 'HEAD', 'CS'),
    stringElement(0x00180020, 'GR', 'CS'),
    stringElement(0x00180021, 'SP', 'CS'),
    stringElement(0x00180022, '', 'CS'),
    stringElement(0x00180023, '3D', 'CS'),
    stringElement(0x00180080, '18', 'DS'),
    stringElement(0x00180081, '10', 'DS'),
    stringElement(0x00180087, '1.5', 'DS'),
    stringElement(0x00180091, '1', 'IS'),
    stringElement(0x00181314, '30', 'DS'),
    stringElement(0x0020000d, derivedUid('colin27', 'study'), 'UI'),
    stringElement(0x00200010, '1', 'SH'),
    stringElement(0x00200052, derivedUid('colin27', 'frame of reference'), 'UI'),
    stringElement(0x00201040, '', 'LO'),
  ]);
