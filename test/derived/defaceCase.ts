import type { Samples } from '../../src/pixels/codecs/DecodedFrame.ts';
import { type DefaceVerdict, planDeface } from '../../src/pixels/deface/deface.ts';
import { applyCut } from '../../src/pixels/deface/fill.ts';
import { cellToPatient } from '../../src/pixels/deface/headAxes.ts';
import type { SeriesPixels } from '../../src/pixels/deface/readVoxels.ts';
import { patientToVoxel } from '../../src/pixels/geometry/Volume.ts';
import type { Vec3 } from '../../src/pixels/geometry/vec3.ts';
import type { DerivedCase } from './cases.ts';
import { type FaceCheckOutcome, faceCheck } from './faceCheck.ts';
import { readSeries } from './readCase.ts';

/** What defacing one derived case did, measured independently of the defacer's own checks. */
export interface CaseOutcome {
  name: string;
  verdict: DefaceVerdict['kind'];
  /** The verdict's message or reason. */
  says: string;
  removedMl?: number;
  /** Removed tissue within FACE_RADIUS_MM of the source's facial profile (moved): the face proper, without the neck. */
  faceMl?: number;
  brainMl?: number;
  dims: readonly [number, number, number];
  /** One voxel's volume as the defacer counts it (PixelSpacing and the usual slice spacing), mL. */
  voxelMl: number;
  /** Samples the cut changed. */
  changed: number;
  /** Voxels the case's `brainInPatient` claims (the moved source brain and its margin), and how many of them changed. */
  brainVoxels: number;
  brainChanged: number;
  /** The changed voxel nearest the moved source brain mask: its distance (mm, to within a source cell). */
  nearestChangedMm: number;
  /** Share of the case's own brain mask (every third working-grid cell) within 3 mm of the moved source brain mask. */
  maskAgreement: number;
  /** Source face-profile points in this field of view, and how many of them the cut filled. */
  face: { total: number; inView: number; filled: number; kept: Vec3[] };
  /** Whether the frames were left bit-identical (always, unless defaced). */
  untouched: boolean;
  faceCheck: FaceCheckOutcome;
}

/** Removed tissue this close to the facial profile counts as the face (faceMl). */
export const FACE_RADIUS_MM = 40;

const distance2 = (a: Vec3, b: Vec3): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** Copies of stored frames. */
const copy = (frames: Samples[]): Samples[] => frames.map((f) => f.slice());

/**
 * Reads a case as the pipeline will, plans the cut, applies it to a copy of the frames, and
 * measures: which voxels changed, whether any lies where the case says the brain (with its margin)
 * is, whether the source's face profile was filled, how well the case's own brain mask agrees with
 * the moved source mask. Nothing is asserted here: the tests do, and the report prints it.
 */
export const defaceCase = async (c: DerivedCase): Promise<CaseOutcome & { pixels: SeriesPixels; after: Samples[] }> => {
  const pixels = await readSeries(c.files);
  const v = pixels.voxels;
  const vol = v.volume;
  const plan = planDeface(v);
  const verdict = plan.verdict;
  const after = copy(pixels.frames);
  const fill = verdict.kind === 'defaced' ? verdict.fill.stored : undefined;
  const changed = verdict.kind === 'defaced' ? applyCut(v, verdict.cut, after, verdict.fill.stored) : 0;
  const [nx, ny, nz] = v.dims;

  // Every changed voxel is placed and asked about; the brain's size in view is counted on every
  // other column, row and slice (×8), which is plenty for a sanity figure and eight times cheaper.
  let brainVoxels = 0;
  let brainChanged = 0;
  let nearestChangedMm = Number.POSITIVE_INFINITY;
  let untouched = true;
  let faceTissue = 0;
  const tissueAbove = plan.mask.tissueAbove;
  const faceR2 = FACE_RADIUS_MM ** 2;
  for (let k = 0; k < nz; k++) {
    const o = vol.frames[k]!.imagePositionPatient;
    const before = pixels.frames[k]!;
    const now = after[k]!;
    const at = (i: number, j: number): Vec3 => [
      o[0] + i * vol.columnStep[0] + j * vol.rowStep[0],
      o[1] + i * vol.columnStep[1] + j * vol.rowStep[1],
      o[2] + i * vol.columnStep[2] + j * vol.rowStep[2],
    ];
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (k % 2 === 0 && i % 2 === 0 && j % 2 === 0 && c.brainInPatient(at(i, j))) brainVoxels += 8;
        if (before[i + nx * j] === now[i + nx * j]) continue;
        untouched = false;
        const p = at(i, j);
        if (c.brainInPatient(p)) brainChanged++;
        nearestChangedMm = Math.min(nearestChangedMm, c.brainDistanceMm(p));
        if (v.data[i + nx * (j + ny * k)]! > tissueAbove && c.face.some((f) => distance2(f, p) <= faceR2)) faceTissue++;
      }
  }
  const voxelMl = (vol.pixelSpacing[0] * vol.pixelSpacing[1] * vol.sliceSpacing) / 1000;

  const w = plan.mask.work;
  const [wx, wy] = w.dims;
  let own = 0;
  let agree = 0;
  for (let q = 0; q < plan.mask.brain.length; q += 3) {
    if (!plan.mask.brain[q]) continue;
    own++;
    const p = cellToPatient(v, w, q % wx, Math.floor(q / wx) % wy, Math.floor(q / (wx * wy)));
    if (c.brainDistanceMm(p) <= 3) agree++;
  }

  const face = { total: c.face.length, inView: 0, filled: 0, kept: [] as Vec3[] };
  for (const p of c.face) {
    const at = patientToVoxel(vol, p);
    if (!at.inside) continue;
    face.inView++;
    const i = Math.min(nx - 1, Math.max(0, Math.round(at.column)));
    const j = Math.min(ny - 1, Math.max(0, Math.round(at.row)));
    if (fill !== undefined && after[at.frame]![i + nx * j] === fill) face.filled++;
    else face.kept.push(p);
  }

  return {
    name: c.name,
    verdict: verdict.kind,
    says: verdict.kind === 'defaced' ? verdict.message : verdict.reason,
    ...(verdict.kind === 'defaced' ? { removedMl: verdict.removedMl, faceMl: faceTissue * voxelMl } : {}),
    ...(verdict.kind !== 'refused' ? { brainMl: verdict.brainMl } : {}),
    dims: v.dims,
    voxelMl,
    changed,
    brainVoxels,
    brainChanged,
    nearestChangedMm,
    maskAgreement: own > 0 ? agree / own : 0,
    face,
    untouched,
    faceCheck: await faceCheck(c, pixels, after, plan),
    pixels,
    after,
  };
};
