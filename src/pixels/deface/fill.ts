import type { Samples } from '../codecs/DecodedFrame.ts';
import type { BrainMask } from './brainMask.ts';
import { type FanCut, forEachRemovedRun, removedRunsOfSlice } from './fanCut.ts';
import { percentile } from './threshold.ts';
import { fineOf, toStored, type Voxels } from './Voxels.ts';

/** Air in a CT, HU. */
export const CT_AIR_HU = -1000;

/** The share of the air around an MR head taken as its background level: dark, but not the darkest pixel. */
const MR_BACKGROUND_PERCENTILE = 0.05;

/**
 * What removed voxels become, in physical units and as a stored sample: CT −1000 HU; MR the
 * background level (a low percentile of the cells outside the head), so the cut reads as the air
 * beside it.
 */
export const fillValue = (v: Voxels, m: BrainMask): { physical: number; stored: number } => {
  let physical = CT_AIR_HU;
  if (v.modality === 'MR') {
    const air = new Uint8Array(m.head.length);
    for (let i = 0; i < air.length; i++) air[i] = m.head[i] ? 0 : 1;
    const p = percentile(m.work.mean, air, MR_BACKGROUND_PERCENTILE);
    physical = Number.isFinite(p) ? p : 0;
  }
  const stored = toStored(v.rescale, physical);
  return { physical: stored * v.rescale.slope + v.rescale.intercept, stored };
};

/**
 * Writes the fill into the stored frames (one per slice of the series' own lattice, in volume
 * order: `fineOf(v)`, the series itself even when `v` is a reduced copy) wherever the cut removes,
 * leaving PixelPaddingValue pixels as they are (they are outside the patient already). Returns the
 * number of samples changed.
 */
export const applyCut = (v: Voxels, cut: FanCut, frames: Samples[], stored: number): number => {
  const cutSlice = sliceCutter(v, cut, stored);
  let changed = 0;
  for (let k = 0; k < frames.length; k++) changed += cutSlice(k, frames[k]!);
  return changed;
};

/**
 * `applyCut` one slice at a time, for a series written file by file: the returned function writes
 * the fill into the stored frame of slice `k` (of the series' own lattice) and returns how many
 * samples it changed.
 */
export const sliceCutter = (v: Voxels, cut: FanCut, stored: number): ((k: number, frame: Samples) => number) => {
  const fine = fineOf(v);
  const nx = fine.dims[0];
  const pad = v.rescale.paddingValue;
  const runs = removedRunsOfSlice(fine, cut);
  return (k, f) => {
    let changed = 0;
    runs(k, (_, j, from, to) => {
      const base = j * nx;
      for (let c = from; c <= to; c++) {
        const s = f[base + c]!;
        if (s === pad || s === stored) continue;
        f[base + c] = stored;
        changed++;
      }
    });
    return changed;
  };
};

/**
 * The voxels as the cut leaves them, a copy on their own lattice: the fill (physical) wherever a
 * voxel's centre is removed, except voxels that are padding throughout (`padding`), which the cut
 * leaves as they are. For the face check's "after" and the 3D view. On a reduced copy a block is
 * filled whole or not at all (by its centre), where the series' own voxels along the cut's edge
 * are filled one by one: the pictures differ by less than a block.
 */
export const defacedCopy = (v: Voxels, cut: FanCut, physical: number, padding?: Uint8Array): Voxels => {
  const data = v.data.slice();
  const [nx, ny] = v.dims;
  forEachRemovedRun(v, cut, (k, j, from, to) => {
    const base = (k * ny + j) * nx;
    for (let c = from; c <= to; c++) if (!padding?.[base + c]) data[base + c] = physical;
  });
  return { ...v, data };
};
