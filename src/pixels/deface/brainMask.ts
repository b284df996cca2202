import { bestComponent, components } from './components.ts';
import { openDirections, thicken } from './enclosure.ts';
import { type WorkGrid, workGrid } from './grid.ts';
import { cellToPatient } from './headAxes.ts';
import { countOf, dilate, erode, fillHoles3D, fillHolesPerSlice, intersect, squaredDistance } from './morphology.ts';
import { otsu, percentile } from './threshold.ts';
import { darkLayerBeneath } from './underside.ts';
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
 * Rays (of 26) from a cell that may reach the air without meeting bone while the cell still counts
 * as enclosed by the skull: one, for the foramen magnum (or a gap of thin bone) below the
 * posterior fossa. The orbits, the nasal cavity and the face have whole cones of open rays.
 */
const CT_OPEN_RAYS = 1;

/**
 * MR: erosion that parts the brain from the face, neck and scalp once the fat is out of the band
 * (see `mrBrain`). On the shared sagittal T1 (4.8 mm slices) 6–7 mm still joined the brain to the
 * face at some band limits (7 mm at 0.75 took in both temporalis muscles, measured again); 8 mm gave
 * 1.52–1.65 L for every limit from 0.5 to 1.0 (below), and on Colin27 (1 mm) Dice 0.95 against
 * its brain extraction (9 mm: 0.935–0.950, a coarser shape). Known limit: Colin27 resliced
 * coronally (1.5 × 1.5 × 2.5 mm) loses its left inferior temporal lobe at 8 mm (its dark sulci and
 * temporal horn let the erosion eat it from inside; 7 mm keeps it, and so does keeping eroded
 * pieces within 12 mm of the core, but both took in muscle on the sagittal T1). The face's cut
 * does not rely on the MR mask alone: it keeps its margin from the mask's mirror image too
 * (`fanCut.ts`, `mirroredSupports`), and the right lobe covers the left.
 */
const MR_CUT_LINKS_MM = 8;

/** The dark layer under the brain taken into the MR mask (`darkLayerBeneath`), mm. */
const MR_UNDERSIDE_MM = 5;

/**
 * The band's upper limit, as a fraction of the brain's contrast above Otsu's threshold:
 * level + fraction · (level − threshold). Fat (scalp, orbit, marrow of the skull base and clivus)
 * is brighter; white matter is below it. Measured: the sagittal T1 kept a plausible brain from 0.5
 * to 1.0 (1.52–1.57 L, 8 mm), 0.9 with 7 mm and ∞ (no limit) took in the face; Colin27 needs 0.5
 * or more (its white matter is 30 % above its grey). 0.75 is the middle of what works on both.
 */
const MR_FAT_FRACTION = 0.75;

/** The brain's level is read within this distance of the head's deepest point (its core: white matter, deep grey). */
const MR_LEVEL_RADIUS_MM = 30;

/**
 * The brain lies within this depth below the top of the head (vertex to foramen magnum is about
 * 110–130 mm with the scalp): the deepest point of the head is looked for only there, so a scan
 * down to the shoulders does not seed the brain in the chest.
 */
const MR_BRAIN_DEPTH_MM = 110;

/**
 * Intracranial space of a head CT: soft tissue enclosed by bone in 3D (`enclosure.ts`: every ray
 * but one from the cell meets the skull, or leaves the field of view inside the head), cut from
 * the orbits and the spinal canal by an opening, holes filled.
 */
export const ctIntracranial = (v: Voxels): BrainMask => {
  const work = workGrid(v);
  const n = work.mean.length;
  const bone = new Uint8Array(n);
  const air = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    bone[i] = work.max[i]! > CT_HU.bone ? 1 : 0;
    air[i] = work.mean[i]! <= CT_HU.air ? 1 : 0;
  }
  const open = openDirections(thicken(bone, work), air, work);
  const soft = new Uint8Array(n);
  const rim = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = work.mean[i]!;
    const enclosed = open[i]! <= CT_OPEN_RAYS;
    soft[i] = enclosed && !bone[i] && m >= CT_HU.softLow && m <= CT_HU.softHigh ? 1 : 0;
    // What the mask may grow back into: enclosed, not air (partial volume with bone included).
    rim[i] = enclosed && m > CT_HU.air ? 1 : 0;
  }
  const brain = openLargest(soft, work, CUT_LINKS_MM, rim);
  fillHoles3D(brain, work);
  const head = headAround(work, brain, CT_HU.air);
  return { work, brain, head, tissueAbove: CT_HU.air };
};

/**
 * Brain mask of a head MR (T1-like contrast: fat bright, brain intermediate, CSF and bone dark),
 * from intensities and shape alone:
 * 1. The head is the largest component brighter than Otsu's threshold t, holes filled.
 * 2. The brain's level L is the median of the bright cells within 30 mm of the head's deepest
 *    point (the head's thickest part is the cranium; only the top 110 mm of the head is searched).
 * 3. The band t < x < L + 0.75 (L − t) is brain, muscle and other soft tissue without the fat.
 *    Fat is what joins the brain to the face in a T1: orbital fat, the marrow of the skull base
 *    and clivus, the scalp. Without the limit, an 8 mm erosion left brain and face in one piece of
 *    2.7 L on the shared sagittal T1.
 * 4. Eroding the band by 8 mm (in mm, so the 4.8 mm slice spacing counts as such) cuts what links
 *    remain, through the dark skull and CSF; the piece with the best size, discounted by distance
 *    from the deepest point, is the brain's core.
 * 5. It is grown back by 8 mm and one cell, within the bright cells (fat included: growing into
 *    the scalp across a thin skull only enlarges the mask, which the cut keeps its margin from),
 *    and its holes (ventricles, dark sulci enclosed) filled.
 * 6. The dark layer beneath it (CSF, meninges and cortical bone over the skull base, up to 5 mm:
 *    `darkLayerBeneath`) is added, as brain extractions do.
 * Sulcal CSF at the surface may stay outside; the 10 mm margin is counted from the mask.
 * Measured: 1.74 L on the shared sagittal T1 (brain, brainstem and the upper cord, which the cut
 * spares); 1.80 L and Dice 0.94 (full resolution) against Colin27's own brain extraction (1.74 L).
 * Another contrast (T2, FLAIR) gives another shape or volume, which the plausibility check refuses.
 */
export const mrBrain = (v: Voxels): BrainMask => {
  const work = workGrid(v);
  const n = work.mean.length;
  const t = otsu(work.mean);
  const bright = new Uint8Array(n);
  for (let i = 0; i < n; i++) bright[i] = work.mean[i]! > t ? 1 : 0;
  const head = fillHoles3D(fillHolesPerSlice(bestComponent(bright, work), work), work);
  const deep = deepestPoint(v, work, head);
  const [sx, sy, sz] = work.spacing;
  const distance2 = (c: readonly [number, number, number]) =>
    ((c[0] - deep[0]) * sx) ** 2 + ((c[1] - deep[1]) * sy) ** 2 + ((c[2] - deep[2]) * sz) ** 2;
  const core = new Uint8Array(n);
  const [nx, ny] = work.dims;
  for (let p = 0; p < n; p++)
    if (bright[p]) {
      const c = [p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))] as const;
      core[p] = distance2(c) <= MR_LEVEL_RADIUS_MM ** 2 ? 1 : 0;
    }
  const level = percentile(work.mean, core, 0.5);
  const fat = level + MR_FAT_FRACTION * (level - t);
  const band = new Uint8Array(n);
  for (let i = 0; i < n; i++) band[i] = work.mean[i]! > t && work.mean[i]! < fat ? 1 : 0;
  // Size, discounted by distance from the deepest point: the face and neck are large but off centre.
  const near = bestComponent(
    erode(band, work, MR_CUT_LINKS_MM),
    work,
    (size, c) => size / (1 + distance2(c) / 40 ** 2),
  );
  const grown = intersect(dilate(near, work, MR_CUT_LINKS_MM + Math.max(...work.spacing.slice(0, 2))), bright);
  const brain = darkLayerBeneath(v, work, fillHoles3D(grown, work), bright, MR_UNDERSIDE_MM);
  return { work, brain, head, tissueAbove: t };
};

/**
 * The cell of the mask furthest from its outside (exact distance, mm) among those within
 * `MR_BRAIN_DEPTH_MM` below the mask's top along the patient's superior axis.
 */
const deepestPoint = (v: Voxels, g: WorkGrid, mask: Uint8Array): [number, number, number] => {
  const [nx, ny, nz] = g.dims;
  const height = new Float64Array(mask.length);
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nz; k++) {
    // Superior (LPS z) is linear in column and row within a slice.
    const o = cellToPatient(v, g, 0, 0, k)[2];
    const di = cellToPatient(v, g, 1, 0, k)[2] - o;
    const dj = cellToPatient(v, g, 0, 1, k)[2] - o;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        height[p] = o + i * di + j * dj;
        if (mask[p] && height[p]! > top) top = height[p]!;
      }
  }
  const d2 = squaredDistance(mask, g, 0);
  let best = -1;
  for (let p = 0; p < mask.length; p++)
    if (mask[p] && height[p]! >= top - MR_BRAIN_DEPTH_MM && (best < 0 || d2[p]! > d2[best]!)) best = p;
  if (best < 0) return [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  return [best % nx, Math.floor(best / nx) % ny, Math.floor(best / (nx * ny))];
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
