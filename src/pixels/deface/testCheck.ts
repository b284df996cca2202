import { expect } from 'vitest';
import type { Samples } from '../codecs/DecodedFrame.ts';
import type { BrainMask } from './brainMask.ts';
import type { Grid } from './grid.ts';
import { squaredDistance } from './morphology.ts';
import type { Voxels } from './Voxels.ts';

/** The brain mask at full resolution (a voxel is brain when its working-grid block is). Test helper. */
export const fullBrain = (v: Voxels, m: BrainMask): Uint8Array => {
  const [nx, ny, nz] = v.dims;
  const [fx, fy, fz] = m.work.factors;
  const [wx, wy] = m.work.dims;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        out[i + nx * (j + ny * k)] = m.brain[Math.floor(i / fx) + wx * (Math.floor(j / fy) + wy * Math.floor(k / fz))]!;
  return out;
};

/**
 * Every voxel within `marginMm` of the brain mask (an exact distance map at full resolution,
 * independent of the planes) is bit-identical before and after. Returns how many were checked.
 */
export const expectBrainUntouched = (
  v: Voxels,
  m: BrainMask,
  before: Samples[],
  after: Samples[],
  marginMm: number,
): number => {
  const g: Grid = {
    dims: v.dims,
    spacing: [v.volume.pixelSpacing[1], v.volume.pixelSpacing[0], v.volume.sliceSpacing],
  };
  const d2 = squaredDistance(fullBrain(v, m), g, 1);
  const plane = v.dims[0] * v.dims[1];
  let checked = 0;
  let changed = 0;
  const r2 = marginMm * marginMm;
  for (let p = 0; p < d2.length; p++) {
    if (d2[p]! > r2) continue;
    checked++;
    const k = Math.floor(p / plane);
    if (before[k]![p - k * plane] !== after[k]![p - k * plane]) changed++;
  }
  expect(changed).toBe(0);
  return checked;
};

/** Copies of stored frames (the originals are views of the files). */
export const copyFrames = (frames: Samples[]): Samples[] => frames.map((f) => f.slice());
