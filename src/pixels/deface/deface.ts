import type { Samples } from '../codecs/DecodedFrame.ts';
import { type BrainMask, ctIntracranial, mrBrain } from './brainMask.ts';
import { earCut } from './ears.ts';
import { cellFactors, type FanCut, fanCut, forEachRemovedRun, supports } from './fanCut.ts';
import { applyCut, fillValue } from './fill.ts';
import { voxelMl } from './grid.ts';
import { type HeadAxes, headAxes } from './headAxes.ts';
import { countOf, squaredDistance } from './morphology.ts';
import { reductionNote } from './reduce.ts';
import { fineOf, type Voxels } from './Voxels.ts';

/** A number for sentences (the geometry's formatNumber drops the zeros of "2690"). */
const formatNumber = (x: number, decimals = 0): string => {
  const s = x.toFixed(decimals);
  return decimals > 0 ? s.replace(/\.?0+$/, '') : s;
};

/** Options of the cut. */
export interface DefaceOptions {
  /** Distance kept from the brain mask, mm (at least 10: the safety margin). */
  marginMm?: number;
  /**
   * Also remove the ears (default: yes). Two lateral fans of planes tangent to the brain mask at
   * the same margin, limited to the band of the head where the pinnae stand out and to what lies
   * lateral of the brain's widest point (`ears.ts`): the brain is as safe as from the face's cut,
   * by the same construction, and the same distance-map recheck covers the ears' region.
   * The issue's rule is "on by default if it costs no brain tissue". Measured at the 10 mm margin
   * (exact distance to the mask at full resolution, the nearest changed voxel, face alone → face
   * and ears): UNC CT 10.0 → 10.0 mm, 15.6 mL more removed at the ears; sagittal T1 10.1 → 10.0 mm,
   * 14.6 mL; Colin27 10.0 → 10.0 mm, 60.8 mL (no voxel within 5 mm of its own brain extraction
   * changed either); the phantoms the same (`ears.test.ts`). The face's figures do not move. So
   * the ears cost no brain, and are removed by default. What remains of a pinna lies within the
   * margin (within 15–19 mm of the mask on those heads): the concha's floor, near the temporal lobe.
   * Should the recheck ever fail for the ears alone, the face is still removed and the ears are
   * left, with a note saying why.
   */
  ears?: boolean;
}

/** The verdict on one head volume: defaced (with the figures), no face in view, or refused (why). */
export type DefaceVerdict =
  | {
      kind: 'defaced';
      /**
       * Volume of the removed region that was tissue ("not air"), mL: the face and, when removed, the
       * ears. Measured on the voxels judged: an estimate when they are a reduced copy (`reduce.ts`).
       */
      removedMl: number;
      /** Of `removedMl`, the tissue removed at the ears (0 when they are left in place). */
      earsMl: number;
      /** Volume of the whole removed region (air included), mL. */
      regionMl: number;
      brainMl: number;
      marginMm: number;
      axes: HeadAxes;
      cut: FanCut;
      /** The fill, in physical units (HU for CT) and stored. */
      fill: { physical: number; stored: number };
      message: string;
      notes: string[];
    }
  | { kind: 'no-face'; reason: string; brainMl: number }
  | { kind: 'refused'; reason: string };

/** Plausible brain (MR, with its CSF) or intracranial (CT) volume of an adult head, mL. */
export const PLAUSIBLE_BRAIN_ML = { min: 800, max: 2000 } as const;

/** Less tissue than this in the removed region is no face: the face is out of the field of view. */
export const MIN_FACE_ML = 5;

export const DEFAULT_MARGIN_MM = 10;

/** Less tissue than this at the ears, mL (both sides): the ears are out of the field of view, nothing is removed there. */
export const MIN_EARS_ML = 1;

/** The masks and the cut, before anything is written. */
export interface DefacePlan {
  mask: BrainMask;
  verdict: DefaceVerdict;
}

/**
 * Finds the brain, the head's axes and the fan cut of a head volume, and decides: defaced (the
 * cut and its figures), no face in view, or refused. Nothing is written: `deface` writes.
 */
export const planDeface = (v: Voxels, options: DefaceOptions = {}): DefacePlan => {
  const marginMm = Math.max(DEFAULT_MARGIN_MM, options.marginMm ?? DEFAULT_MARGIN_MM);
  const mask = v.modality === 'CT' ? ctIntracranial(v) : mrBrain(v);
  const refuse = (reason: string): DefacePlan => ({ mask, verdict: { kind: 'refused', reason } });
  const what = v.modality === 'CT' ? 'intracranial space' : 'brain';
  const cellMl = voxelMl(mask.work);
  if (countOf(mask.head) === 0) return refuse('no head was found: the volume is air (or empty), so it is not defaced');
  const brainMl = countOf(mask.brain) * cellMl;
  if (brainMl < PLAUSIBLE_BRAIN_ML.min || brainMl > PLAUSIBLE_BRAIN_ML.max) {
    return refuse(
      `the ${what} found measures ${formatNumber(brainMl, 0)} mL, outside the ${PLAUSIBLE_BRAIN_ML.min}–${PLAUSIBLE_BRAIN_ML.max} mL of an adult head, so the brain cannot be protected with confidence; the series is withheld`,
    );
  }
  const axes = headAxes(v, mask.work, mask.brain);
  const face = fanCut(v, mask.work, mask.brain, axes, marginMm);
  const faceOnly = measure(v, face, mask.tissueAbove);
  const voxel = v.volume.pixelSpacing[0] * v.volume.pixelSpacing[1] * (v.volume.sliceSpacing / 1000);
  const faceMl = faceOnly.tissue * voxel;
  if (faceMl < MIN_FACE_ML) {
    return {
      mask,
      verdict: {
        kind: 'no-face',
        brainMl,
        reason: `no face in view: in front of and below the brain (beyond ${marginMm} mm) there is only ${formatNumber(faceMl, 1)} mL of tissue, so the pixels are left as they are`,
      },
    };
  }
  // The brain's distance map, for the recheck: of the face and ears together when the ears are
  // removed (the face's region is part of it), else (or when that fails) of the face alone.
  const d2 = squaredDistance(mask.brain, mask.work, 1);
  const notes: string[] = [];
  let cut = face;
  let removed = faceOnly;
  if (options.ears ?? true) {
    const withEars: FanCut = {
      ...face,
      ears: earCut(axes, marginMm, (normals) => supports(v, mask.work, mask.brain, normals)),
    };
    const both = measure(v, withEars, mask.tissueAbove);
    const earsMl = (both.tissue - faceOnly.tissue) * voxel;
    const recheck = earsMl < MIN_EARS_ML ? undefined : marginRecheck(v, mask, withEars, d2);
    if (earsMl < MIN_EARS_ML)
      notes.push(
        `no ears in view: beside the head at the level of the ear canal (beyond ${marginMm} mm from the ${what}) there is only ${formatNumber(earsMl, 1)} mL of tissue, so nothing is removed there`,
      );
    else if (recheck)
      notes.push(
        `the ears are left in place: removing them would change ${recheck.changed} voxels within ${formatNumber(recheck.withinMm, 1)} mm of the ${what}`,
      );
    else {
      cut = withEars;
      removed = both;
    }
  }
  const faceRecheck = cut === face ? marginRecheck(v, mask, face, d2) : undefined;
  if (faceRecheck)
    return refuse(
      `the cut would change ${faceRecheck.changed} voxels within ${formatNumber(faceRecheck.withinMm, 1)} mm of the brain mask: the series is withheld rather than defaced halfway`,
    );
  if (axes.fromData && axes.tiltDegrees >= 5)
    notes.push(
      `the brain's long axis is ${formatNumber(axes.tiltDegrees, 0)}° from the scanner's anterior; the cut follows it`,
    );
  if (v.fine) notes.push(reductionNote(v.fine, v));
  const removedMl = removed.tissue * voxel;
  const earsMl = removedMl - faceMl;
  const where = cut.ears
    ? `face and ears removed: ${formatNumber(removedMl, 0)} mL of tissue (${formatNumber(faceMl, 0)} mL in front of and below the brain, ${formatNumber(earsMl, 0)} mL at the ears)`
    : `face removed: ${formatNumber(removedMl, 0)} mL of tissue in front of and below the brain`;
  return {
    mask,
    verdict: {
      kind: 'defaced',
      removedMl,
      earsMl,
      regionMl: removed.region * voxel,
      brainMl,
      marginMm,
      axes,
      cut,
      fill: fillValue(v, mask),
      message: `${where}, at least ${marginMm} mm from the ${what} (${formatNumber(brainMl, 0)} mL)`,
      notes,
    },
  };
};

/**
 * Defaces a head volume: plans, and when the verdict is "defaced" writes the fill into the stored
 * frames (one per slice, in volume order). Otherwise the frames are not touched.
 */
export const deface = (v: Voxels, frames: Samples[], options: DefaceOptions = {}): DefaceVerdict => {
  const { verdict } = planDeface(v, options);
  if (verdict.kind === 'defaced') applyCut(v, verdict.cut, frames, verdict.fill.stored);
  return verdict;
};

/**
 * Voxels in the removed region, and those of them that are tissue, on `v`'s own lattice: a reduced
 * copy's blocks by their centres and means, so its millilitres are estimates (within a block's
 * width along the cut's surface), where the series' own voxels would be counted one by one.
 */
const measure = (v: Voxels, cut: FanCut, tissueAbove: number): { region: number; tissue: number } => {
  const [nx, ny] = v.dims;
  const d = v.data;
  let region = 0;
  let tissue = 0;
  forEachRemovedRun(v, cut, (k, j, from, to) => {
    region += to - from + 1;
    const base = (k * ny + j) * nx;
    for (let c = from; c <= to; c++) if (d[base + c]! > tissueAbove) tissue++;
  });
  return { region, tissue };
};

/**
 * An independent re-check of "no voxel within the margin of the brain changed", from a distance
 * map of the mask (`d2`: squared mm to the nearest brain cell, on the working grid) rather than from the planes: a removed voxel lies in a cell whose distance to
 * the nearest brain cell is at least the margin less one cell diagonal (a voxel and the brain
 * voxel nearest it are each within half a diagonal of their cells' centres). The cut's whole
 * region is checked, the ears' included, on the series' own lattice (`fineOf`: every voxel the
 * fill may be written into, even when `v` is a reduced copy), each removed voxel counted whether
 * or not its value would change. Returns how many voxels fail and within what distance, or
 * undefined when none does.
 */
const marginRecheck = (
  v: Voxels,
  mask: BrainMask,
  cut: FanCut,
  d2: Float32Array,
): { changed: number; withinMm: number } | undefined => {
  const w = mask.work;
  const diagonal = Math.hypot(...w.spacing);
  const least = Math.max(0, cut.marginMm - diagonal) ** 2;
  const [fx, fy, fz] = cellFactors(v, w);
  const [wx, wy] = w.dims;
  let bad = 0;
  forEachRemovedRun(fineOf(v), cut, (k, j, from, to) => {
    const base = (Math.floor(k / fz) * wy + Math.floor(j / fy)) * wx;
    for (let c = from; c <= to; c++) if (d2[base + Math.floor(c / fx)]! < least) bad++;
  });
  return bad === 0 ? undefined : { changed: bad, withinMm: cut.marginMm - diagonal };
};
