import { bestComponent, components } from './components.ts';
import { type WorkGrid, workGrid } from './grid.ts';
import { countOf, dilate, erode, fillHoles3D, fillHolesPerSlice, intersect } from './morphology.ts';
import { otsu } from './threshold.ts';
import type { Voxels } from './Voxels.ts';

/**
 * The intracranial space (CT) or brain (MR) and the head around it, as masks on the working grid.
 * The cut keeps its margin from `brain`; `head` and `tissueAbove` say what counts as tissue.
 */
export interface BrainMask {
  work: WorkGrid;
  /** Intracranial space (CT) or brain with its CSF (MR): Uint8Array on the working grid. */
  brain: Uint8Array;
  /** The head: the "not air" component around the brain, holes filled. */
  head: Uint8Array;
  /** Physical value above which a voxel is tissue, not air (CT −300 HU; MR the Otsu threshold). */
  tissueAbove: number;
}

/**
 * CT thresholds, in HU.
 * - Air is below −300: fat (−100) and lung-like partial volume at the skin stay "not air".
 * - Bone is above 300: cortical bone is 700–2000, and the block maximum keeps a 1 mm temporal
 *   squama above it; contrast-filled vessels (≤ 300) and the carbon-fibre couch (< 200) are not bone.
 * - Brain and CSF are −20..100 (CSF 0–15, grey and white matter 20–45, fresh blood up to 90), the
 *   "soft tissue enclosed by bone" of the issue; the mask then grows back over the partial-volume
 *   rim at the inner table, so it reaches the bone.
 */
export const CT_HU = { air: -300, bone: 300, softLow: -20, softHigh: 100 } as const;

/** Erosion that cuts the thin links (optic canals, foramina, vessels) between the brain and what is outside it (CT). */
const CUT_LINKS_MM = 4;

/**
 * MR needs a deeper cut: the dark skull and CSF between brain and scalp are only 2–4 mm in a T1,
 * and the brainstem and skull base tie the brain to the neck and face muscles; 8 mm parts them on
 * the shared sagittal T1 (4 mm left one piece of 3.8 L, the whole head).
 */
const MR_CUT_LINKS_MM = 8;

/** Intracranial space of a head CT: soft tissue enclosed by the skull in each slice, cleaned in 3D. */
export const ctIntracranial = (v: Voxels): BrainMask => {
  const work = workGrid(v);
  const n = work.mean.length;
  const bone = new Uint8Array(n);
  for (let i = 0; i < n; i++) bone[i] = work.max[i]! > CT_HU.bone ? 1 : 0;
  // Enclosed by bone in any of the three orthogonal planes through a cell. The slice's own plane is
  // not enough: an axial slice through the orbital roofs is open in front of the frontal lobes (the
  // roofs lie in the plane), and a coronal or sagittal plane through the cribriform plate leaks into
  // the nose; each part of the cranial cavity is closed in at least one of the three. The orbits and
  // nasal cavity that this also takes in are cut off below by the opening and largest component.
  const enclosed = new Uint8Array(n);
  for (const axis of [0, 1, 2] as const) {
    const filled = fillHolesPerSlice(bone.slice(), work, axis);
    for (let i = 0; i < n; i++) enclosed[i]! |= filled[i]!;
  }
  const soft = new Uint8Array(n);
  const rim = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = work.mean[i]!;
    const inside = enclosed[i]! && !bone[i];
    soft[i] = inside && m >= CT_HU.softLow && m <= CT_HU.softHigh ? 1 : 0;
    // What the mask may grow back into: enclosed, not air (partial volume with bone included).
    rim[i] = enclosed[i]! && m > CT_HU.air ? 1 : 0;
  }
  const brain = openLargest(soft, work, CUT_LINKS_MM, rim);
  fillHoles3D(brain, work);
  const head = headAround(work, brain, CT_HU.air);
  return { work, brain, head, tissueAbove: CT_HU.air };
};

/**
 * Brain mask of a head MR, from intensities alone: the head is what is brighter than Otsu's
 * threshold; eroding it by 8 mm cuts the links through the dark skull and CSF between brain and
 * scalp; the largest piece near the head's centre is the brain; it is grown back by the same
 * depth (within the bright tissue) and its holes (ventricles) filled. Sulcal CSF at the surface is
 * not in the mask; the 10 mm margin is counted from the mask.
 */
export const mrBrain = (v: Voxels): BrainMask => {
  const work = workGrid(v);
  const n = work.mean.length;
  const t = otsu(work.mean);
  const bright = new Uint8Array(n);
  for (let i = 0; i < n; i++) bright[i] = work.mean[i]! > t ? 1 : 0;
  const head = fillHoles3D(fillHolesPerSlice(bestComponent(bright, work), work), work);
  const centre = centroidOf(head, work);
  const core = erode(bright, work, MR_CUT_LINKS_MM);
  const [sx, sy, sz] = work.spacing;
  // Size, discounted by distance from the head's centre: the face and neck are large but off centre.
  const near = bestComponent(core, work, (size, c) => {
    const d2 = ((c[0] - centre[0]) * sx) ** 2 + ((c[1] - centre[1]) * sy) ** 2 + ((c[2] - centre[2]) * sz) ** 2;
    return size / (1 + d2 / 40 ** 2);
  });
  // Grown back by the erosion's depth only: one more cell would reach the scalp across the skull.
  const grown = intersect(dilate(near, work, MR_CUT_LINKS_MM), bright);
  const brain = fillHoles3D(grown, work);
  return { work, brain, head, tissueAbove: t };
};

/** Opening by `mm` keeping only the largest piece, grown back within `within`. */
const openLargest = (mask: Uint8Array, g: WorkGrid, mm: number, within: Uint8Array): Uint8Array => {
  const core = bestComponent(erode(mask, g, mm), g);
  return intersect(dilate(core, g, mm + Math.max(...g.spacing)), within);
};

/** The "not air" component that holds most of the brain, holes filled: the head, not the couch. */
const headAround = (work: WorkGrid, brain: Uint8Array, air: number): Uint8Array => {
  const n = work.mean.length;
  const notAir = new Uint8Array(n);
  for (let i = 0; i < n; i++) notAir[i] = work.mean[i]! > air || brain[i]! ? 1 : 0;
  const c = components(notAir, work);
  const overlap = new Float64Array(c.sizes.length);
  for (let i = 0; i < n; i++) if (brain[i]) overlap[c.labels[i]!]!++;
  let best = 0;
  for (let l = 1; l < overlap.length; l++) if (overlap[l]! > overlap[best]!) best = l;
  const head = new Uint8Array(n);
  if (best > 0) for (let i = 0; i < n; i++) head[i] = c.labels[i] === best ? 1 : 0;
  return fillHoles3D(fillHolesPerSlice(head, work), work);
};

/** A mask's centroid in cell indexes. */
export const centroidOf = (mask: Uint8Array, g: WorkGrid): [number, number, number] => {
  const [nx, ny] = g.dims;
  let x = 0;
  let y = 0;
  let z = 0;
  const count = Math.max(1, countOf(mask));
  for (let p = 0; p < mask.length; p++)
    if (mask[p]) {
      x += p % nx;
      y += Math.floor(p / nx) % ny;
      z += Math.floor(p / (nx * ny));
    }
  return [x / count, y / count, z / count];
};
