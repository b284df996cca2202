import type { BrainMask } from './brainMask.ts';
import { CT_HU } from './brainMask.ts';
import { cellToPatient } from './headAxes.ts';
import { countOf, squaredDistance } from './morphology.ts';
import type { Voxels } from './Voxels.ts';

/**
 * The content gate: does a CT or MR volume hold a head? The defacing core finds "soft tissue
 * enclosed by bone" (CT) or "the best bright piece near the top" (MR) in anything: a pelvis is
 * soft tissue in a bony ring too. Before a cut is made, the volume must look like a head:
 * - a "not air" component around the brain, 100–250 mm from side to side at the brain's level
 *   (an adult head is about 140–160 mm wide; a torso 300 mm and more);
 * - the brain near the top of that component (within 45 mm: scalp and skull are 10–15 mm, and a
 *   field of view may stop short of the vertex);
 * - CT: a bony ring: most of the intracranial space's surface has bone within 10 mm (the skull).
 */

/** Widths of a head, side to side at the brain's level, mm. */
export const HEAD_WIDTH_MM = { min: 100, max: 250 } as const;

/** The brain's top lies at most this far below the top of the head component, mm. */
const BRAIN_BELOW_TOP_MM = 45;

/** Share of the intracranial surface that must have bone within `RING_MM` (CT). */
export const MIN_BONY_RING = 0.6;
const RING_MM = 10;

/** Half the height of the band around the brain's centre where the head's width is measured, mm. */
const BAND_MM = 15;

/** What the gate measured, for the report and for tuning. */
export interface HeadShape {
  widthMm: number;
  /** How far the brain's top is below the head's top, mm. */
  brainBelowTopMm: number;
  /** CT: share of the intracranial surface with bone within 10 mm (NaN for MR). */
  bonyRing: number;
}

/** Measures the head shape of a volume's masks (patient coordinates, so any orientation and position). */
export const headShape = (v: Voxels, m: BrainMask): HeadShape => {
  const w = m.work;
  const [nx, ny, nz] = w.dims;
  let headTop = Number.NEGATIVE_INFINITY;
  let brainTop = Number.NEGATIVE_INFINITY;
  let zSum = 0;
  let brainCells = 0;
  // Patient position is linear in column and row within a slice: three points give each slice.
  const slices = Array.from({ length: nz }, (_, k) => {
    const o = cellToPatient(v, w, 0, 0, k);
    const a = cellToPatient(v, w, 1, 0, k);
    const b = cellToPatient(v, w, 0, 1, k);
    return { o, di: [a[0] - o[0], a[1] - o[1], a[2] - o[2]], dj: [b[0] - o[0], b[1] - o[1], b[2] - o[2]] };
  });
  const at = (i: number, j: number, k: number, axis: 0 | 2): number => {
    const s = slices[k]!;
    return s.o[axis] + i * s.di[axis]! + j * s.dj[axis]!;
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (!m.head[p] && !m.brain[p]) continue;
        const z = at(i, j, k, 2);
        if (m.head[p] && z > headTop) headTop = z;
        if (m.brain[p]) {
          if (z > brainTop) brainTop = z;
          zSum += z;
          brainCells++;
        }
      }
  const zc = zSum / Math.max(1, brainCells);
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (!m.head[p] || Math.abs(at(i, j, k, 2) - zc) > BAND_MM) continue;
        const x = at(i, j, k, 0);
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
      }
  return {
    widthMm: xMax >= xMin ? xMax - xMin + w.spacing[0] : 0,
    brainBelowTopMm: Math.max(0, headTop - brainTop),
    bonyRing: v.modality === 'CT' ? bonyRing(m) : Number.NaN,
  };
};

/** Share of the brain mask's surface cells with bone (block maximum above 300 HU) within 10 mm. */
const bonyRing = (m: BrainMask): number => {
  const w = m.work;
  const [nx, ny, nz] = w.dims;
  const bone = new Uint8Array(w.max.length);
  for (let i = 0; i < bone.length; i++) bone[i] = w.max[i]! > CT_HU.bone ? 1 : 0;
  const d2 = squaredDistance(bone, w, 1);
  const plane = nx * ny;
  let surface = 0;
  let ringed = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (!m.brain[p]) continue;
        const edge =
          i === 0 ||
          j === 0 ||
          k === 0 ||
          i === nx - 1 ||
          j === ny - 1 ||
          k === nz - 1 ||
          !m.brain[p - 1] ||
          !m.brain[p + 1] ||
          !m.brain[p - nx] ||
          !m.brain[p + nx] ||
          !m.brain[p - plane] ||
          !m.brain[p + plane];
        if (!edge) continue;
        surface++;
        if (d2[p]! <= RING_MM * RING_MM) ringed++;
      }
  return surface ? ringed / surface : 0;
};

/**
 * Why a volume is not a head, in words, or undefined when it looks like one. `what` names the
 * brain mask ("intracranial space" for CT, "brain" for MR).
 */
export const notAHead = (v: Voxels, m: BrainMask): string | undefined => {
  const what = v.modality === 'CT' ? 'no intracranial space (soft tissue enclosed by bone)' : 'no brain';
  if (countOf(m.brain) === 0 || countOf(m.head) === 0) return `${what} was found`;
  const s = headShape(v, m);
  const mm = (x: number) => `${Math.round(x)} mm`;
  if (s.widthMm < HEAD_WIDTH_MM.min || s.widthMm > HEAD_WIDTH_MM.max)
    return `the body is ${mm(s.widthMm)} wide at the level of what looked like a brain; a head is ${HEAD_WIDTH_MM.min}–${HEAD_WIDTH_MM.max} mm`;
  if (s.brainBelowTopMm > BRAIN_BELOW_TOP_MM)
    return `what looked like a brain lies ${mm(s.brainBelowTopMm)} below the top of the body; in a head it is within ${BRAIN_BELOW_TOP_MM} mm`;
  if (v.modality === 'CT' && s.bonyRing < MIN_BONY_RING)
    return `only ${Math.round(s.bonyRing * 100)} % of what looked like an intracranial space is ringed by bone; a skull rings at least ${Math.round(MIN_BONY_RING * 100)} %`;
  return undefined;
};
