import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Samples } from '../codecs/DecodedFrame.ts';
import { voxelToPatient } from '../geometry/Volume.ts';
import { dot, sub, type Vec3 } from '../geometry/vec3.ts';
import { encodePng, sideBySide } from '../render/png.ts';
import { toVoxel, voxelMapOf } from '../render/sampler.ts';
import { type GreyImage, renderSkin, skinScene } from '../render/skin.ts';
import type { BrainMask } from './brainMask.ts';
import type { Grid } from './grid.ts';
import type { HeadAxes } from './headAxes.ts';
import { squaredDistance } from './morphology.ts';
import { fullBrain } from './testCheck.ts';
import { type Voxels, voxelsOf } from './Voxels.ts';

/** Where the renders are saved for people to look at (never committed). */
export const RENDERS = join(import.meta.dirname, '..', '..', '..', '.cache', 'renders');

/**
 * Where the pinnae were measured on the real heads (head frame, mm from the brain's centroid:
 * a along the head's anterior, s along its superior; see `ears.ts`). Test helper: the census
 * below counts tissue there, independently of the cut's planes.
 */
export const EAR_BOX = { anterior: [-55, 5], superior: [-90, -20] } as const;

/** What the census found on each side (left, right), mL, and how far the remains lie from the brain. */
export interface PinnaCensus {
  /** Half-width of the brain mask along the head's left and right, mm from the centroid (its widest point). */
  widthMm: [number, number];
  /** Tissue in the box lateral of the brain's widest point (the pinna and the scalp beside it), before and after. */
  lateralMl: { before: [number, number]; after: [number, number] };
  /** Voxels of it more than `margin + 0.5` mm lateral of the widest point that are not fill after. */
  keptBeyondMargin: number;
  /** The largest distance from the brain mask of a tissue voxel kept there, mm (exact, full resolution). */
  farthestKeptMm: number;
}

/**
 * Counts the tissue beside the head at the level of the ear canal before and after the cut: in
 * `EAR_BOX`, voxels above `tissueAbove` lying further along the head's left (or right) than any
 * voxel of the brain mask. A voxel is "after" when its stored value is not the fill. Test helper.
 */
export const pinnaCensus = (
  v: Voxels,
  mask: BrainMask,
  axes: HeadAxes,
  after: Samples[],
  fill: number,
  marginMm: number,
): PinnaCensus => {
  const [nx, ny, nz] = v.dims;
  const brain = fullBrain(v, mask);
  const headAt = (i: number, j: number, k: number): Vec3 => {
    const d = sub(voxelToPatient(v.volume, i, j, k), axes.centre);
    return [dot(d, axes.anterior), dot(d, axes.left), dot(d, axes.superior)];
  };
  const width: [number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (brain[i + nx * (j + ny * k)]) {
          const l = headAt(i, j, k)[1];
          width[0] = Math.max(width[0], l);
          width[1] = Math.max(width[1], -l);
        }
  const g: Grid = {
    dims: v.dims,
    spacing: [v.volume.pixelSpacing[1], v.volume.pixelSpacing[0], v.volume.sliceSpacing],
  };
  const d2 = squaredDistance(brain, g, 1);
  const before: [number, number] = [0, 0];
  const kept: [number, number] = [0, 0];
  let keptBeyondMargin = 0;
  let farthest = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (!(v.data[p]! > mask.tissueAbove)) continue;
        const [a, l, s] = headAt(i, j, k);
        if (a < EAR_BOX.anterior[0] || a > EAR_BOX.anterior[1] || s < EAR_BOX.superior[0] || s > EAR_BOX.superior[1])
          continue;
        const side = l > 0 ? 0 : 1;
        const out = Math.abs(l) - width[side];
        if (out <= 0) continue;
        before[side]++;
        if (after[k]![i + nx * j] === fill) continue;
        kept[side]++;
        if (out > marginMm + 0.5) keptBeyondMargin++;
        farthest = Math.max(farthest, Math.sqrt(d2[p]!));
      }
  const ml = (v.volume.pixelSpacing[0] * v.volume.pixelSpacing[1] * v.volume.sliceSpacing) / 1000;
  const toMl = (x: [number, number]): [number, number] => [x[0] * ml, x[1] * ml];
  return {
    widthMm: width,
    lateralMl: { before: toMl(before), after: toMl(kept) },
    keptBeyondMargin,
    farthestKeptMm: farthest,
  };
};

/**
 * The plane of the head frame at `superiorMm` from the brain's centroid (an "axial" slice through
 * the ears whatever the slices' own orientation), 1 mm pixels, nearest voxel, greyscale between
 * `window` (physical values); the patient's right on the picture's left, anterior up, as radiology
 * shows an axial slice. Test helper.
 */
export const earSlice = (v: Voxels, axes: HeadAxes, superiorMm: number, window: [number, number]): GreyImage => {
  const size = 240;
  const map = voxelMapOf(v);
  const at = new Float64Array(3);
  const pixels = new Uint8ClampedArray(size * size);
  const [nx, ny, nz] = v.dims;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const a = size / 2 - y;
      const l = x - size / 2;
      const p = [0, 1, 2].map(
        (q) => axes.centre[q]! + a * axes.anterior[q]! + l * axes.left[q]! + superiorMm * axes.superior[q]!,
      );
      toVoxel(map, p[0]!, p[1]!, p[2]!, at);
      const [c, r, k] = [Math.round(at[0]!), Math.round(at[1]!), Math.round(at[2]!)];
      if (c < 0 || r < 0 || k < 0 || c >= nx || r >= ny || k >= nz) continue;
      const value = v.data[c + nx * (r + ny * k)]!;
      pixels[y * size + x] = (255 * (value - window[0])) / (window[1] - window[0]);
    }
  return { width: size, height: size, pixels };
};

/**
 * Saves, for people to look at: `ears-<name>.png`, the slice through the ears at `superiorMm`
 * before | after; `ears-side-<name>.png`, the skin from the left and the right, before above…
 * beside after (left before, right before, left after, right after). Test helper.
 */
export const saveEarPictures = (
  name: string,
  v: Voxels,
  mask: BrainMask,
  axes: HeadAxes,
  after: Samples[],
  superiorMm: number,
  window: [number, number],
): void => {
  const defaced = voxelsOf(v.volume, after, v.modality, v.rescale);
  mkdirSync(RENDERS, { recursive: true });
  writeFileSync(
    join(RENDERS, `ears-${name}.png`),
    encodePng(sideBySide([earSlice(v, axes, superiorMm, window), earSlice(defaced, axes, superiorMm, window)])),
  );
  const frame = { centre: axes.centre, anterior: axes.anterior, left: axes.left, superior: axes.superior };
  const within = { dims: mask.work.dims, factors: mask.work.factors, mask: mask.head };
  const sides = (x: Voxels) => {
    const scene = skinScene(x, { frame, within });
    return [90, -90].map((yaw) => renderSkin(scene, { yaw, pitch: 0, size: 256, fieldMm: 180, raiseMm: -35 }));
  };
  writeFileSync(join(RENDERS, `ears-side-${name}.png`), encodePng(sideBySide([...sides(v), ...sides(defaced)])));
};
