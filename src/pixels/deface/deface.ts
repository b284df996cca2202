import type { Samples } from '../codecs/DecodedFrame.ts';
import { type BrainMask, ctIntracranial, mrBrain } from './brainMask.ts';
import { type FanCut, fanCut, forEachRemovedRun } from './fanCut.ts';
import { applyCut, fillValue } from './fill.ts';
import { voxelMl } from './grid.ts';
import { type HeadAxes, headAxes } from './headAxes.ts';
import { countOf, squaredDistance } from './morphology.ts';
import type { Voxels } from './Voxels.ts';

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
   * Also remove the ears. Not implemented this session (the verdict says so when asked): it would
   * take two lateral fans (normals ±left, tilted 0–45° inferior) limited to the band between the
   * brain's centre and 30 mm behind it, and a check on the real heads that the temporal lobes,
   * which reach the level of the ear canal, keep their margin.
   */
  ears?: boolean;
}

/** The verdict on one head volume: defaced (with the figures), no face in view, or refused (why). */
export type DefaceVerdict =
  | {
      kind: 'defaced';
      /** Volume of the removed region that was tissue ("not air"), mL. */
      removedMl: number;
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
  const cut = fanCut(v, mask.work, mask.brain, axes, marginMm);
  const { region, tissue } = measure(v, cut, mask.tissueAbove);
  const voxel = v.volume.pixelSpacing[0] * v.volume.pixelSpacing[1] * (v.volume.sliceSpacing / 1000);
  const removedMl = tissue * voxel;
  if (removedMl < MIN_FACE_ML) {
    return {
      mask,
      verdict: {
        kind: 'no-face',
        brainMl,
        reason: `no face in view: in front of and below the brain (beyond ${marginMm} mm) there is only ${formatNumber(removedMl, 1)} mL of tissue, so the pixels are left as they are`,
      },
    };
  }
  const recheck = marginRecheck(v, mask, cut);
  if (recheck) return refuse(recheck);
  const notes: string[] = [];
  if (options.ears) notes.push('removing the ears is not implemented yet: the ears are left in place');
  if (axes.fromData && axes.tiltDegrees >= 5)
    notes.push(
      `the brain's long axis is ${formatNumber(axes.tiltDegrees, 0)}° from the scanner's anterior; the cut follows it`,
    );
  return {
    mask,
    verdict: {
      kind: 'defaced',
      removedMl,
      regionMl: region * voxel,
      brainMl,
      marginMm,
      axes,
      cut,
      fill: fillValue(v, mask),
      message: `face removed: ${formatNumber(removedMl, 0)} mL of tissue in front of and below the brain, at least ${marginMm} mm from the ${what} (${formatNumber(brainMl, 0)} mL)`,
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

/** Voxels in the removed region, and those of them that are tissue. */
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
 * map of the mask rather than from the planes: a removed voxel lies in a cell whose distance to
 * the nearest brain cell is at least the margin less one cell diagonal (a voxel and the brain
 * voxel nearest it are each within half a diagonal of their cells' centres). Returns why it
 * fails, or undefined.
 */
const marginRecheck = (v: Voxels, mask: BrainMask, cut: FanCut): string | undefined => {
  const w = mask.work;
  const d2 = squaredDistance(mask.brain, w, 1);
  const diagonal = Math.hypot(...w.spacing);
  const least = Math.max(0, cut.marginMm - diagonal) ** 2;
  const [fx, fy, fz] = w.factors;
  const [wx, wy] = w.dims;
  let bad = 0;
  forEachRemovedRun(v, cut, (k, j, from, to) => {
    const base = (Math.floor(k / fz) * wy + Math.floor(j / fy)) * wx;
    for (let c = from; c <= to; c++) if (d2[base + Math.floor(c / fx)]! < least) bad++;
  });
  return bad === 0
    ? undefined
    : `the cut would change ${bad} voxels within ${formatNumber(cut.marginMm - diagonal, 1)} mm of the brain mask: the series is withheld rather than defaced halfway`;
};
