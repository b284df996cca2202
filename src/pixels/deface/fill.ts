import type { Samples } from '../codecs/DecodedFrame.ts';
import type { BrainMask } from './brainMask.ts';
import { type FanCut, forEachRemovedRun } from './fanCut.ts';
import { percentile } from './threshold.ts';
import { toStored, type Voxels } from './Voxels.ts';

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
 * Writes the fill into the stored frames (in volume order) wherever the cut removes, leaving
 * PixelPaddingValue pixels as they are (they are outside the patient already). Returns the number
 * of samples changed.
 */
export const applyCut = (v: Voxels, cut: FanCut, frames: Samples[], stored: number): number => {
  const nx = v.dims[0];
  const pad = v.rescale.paddingValue;
  let changed = 0;
  forEachRemovedRun(v, cut, (k, j, from, to) => {
    const f = frames[k]!;
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
