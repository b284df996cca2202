import type { Voxels } from './Voxels.ts';

/**
 * A regular 3D grid of samples or mask bits, index `i + nx · (j + ny · k)`, with the spacing of
 * each index axis in mm. Morphology and connected components run on it; anisotropic spacing
 * (sagittal MR: 1 mm in plane, 4.8 mm between slices) is honoured in mm, not in voxels.
 */
export interface Grid {
  dims: readonly [number, number, number];
  /** mm per step along column, row and slice. */
  spacing: readonly [number, number, number];
}

/** Voxels in a grid. */
export const gridSize = (g: Grid): number => g.dims[0] * g.dims[1] * g.dims[2];

/** One voxel's volume in mL. */
export const voxelMl = (g: Grid): number => (g.spacing[0] * g.spacing[1] * g.spacing[2]) / 1000;

/**
 * The working grid for the masks: the volume in blocks of whole voxels, each block about 2 mm or
 * more along each axis. Masks of a head need no finer detail (the margin is 10 mm), and a
 * 256×256×200 volume becomes 1.6 M cells, so labels and distance maps cost a few MB, not 50.
 * The cut itself is made on the full grid through exact patient coordinates.
 */
export interface WorkGrid extends Grid {
  /** Voxels per block along column, row, slice. */
  factors: readonly [number, number, number];
  /** Each block's mean physical value. */
  mean: Float32Array;
  /** Each block's largest physical value: thin bone survives the reduction (CT). */
  max: Float32Array;
}

/** Blocks are at least this wide, in mm. */
const BLOCK_MM = 2;

/** Voxels per working-grid block along each axis, for voxels `spacing` mm apart (column, row, slice). */
export const workFactors = (spacing: readonly [number, number, number]): [number, number, number] =>
  spacing.map((s) => Math.max(1, Math.round(BLOCK_MM / s))) as unknown as [number, number, number];

/** Reduces voxels to the working grid (mean and max per block). */
export const workGrid = (v: Voxels): WorkGrid => {
  const vol = v.volume;
  const fine = [vol.pixelSpacing[1], vol.pixelSpacing[0], vol.sliceSpacing] as const;
  const factors = workFactors(fine);
  const [fx, fy, fz] = factors;
  const [nx, ny, nz] = v.dims;
  const dims = [Math.ceil(nx / fx), Math.ceil(ny / fy), Math.ceil(nz / fz)] as const;
  const [wx, wy] = dims;
  const n = dims[0] * dims[1] * dims[2];
  const mean = new Float32Array(n);
  const max = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
  const count = new Uint16Array(n);
  const d = v.data;
  for (let k = 0; k < nz; k++) {
    const wk = Math.floor(k / fz) * wx * wy;
    for (let j = 0; j < ny; j++) {
      const wj = wk + Math.floor(j / fy) * wx;
      const row = (k * ny + j) * nx;
      for (let i = 0; i < nx; i++) {
        const x = d[row + i]!;
        const w = wj + Math.floor(i / fx);
        mean[w]! += x;
        count[w]!++;
        if (x > max[w]!) max[w] = x;
      }
    }
  }
  for (let w = 0; w < n; w++) mean[w]! /= count[w]!;
  return { dims, spacing: [fine[0] * fx, fine[1] * fy, fine[2] * fz], factors, mean, max };
};
