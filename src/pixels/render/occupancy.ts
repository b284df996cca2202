import type { Voxels } from '../deface/Voxels.ts';
import type { WithinMask } from './skin.ts';

/**
 * A coarse grid over the voxels for empty-space skipping: blocks of about 4 mm, each holding the
 * chessboard distance (in blocks) to the nearest block that holds tissue. 0: this block may hold
 * a sample above the threshold; d ≥ 1: every block within d − 1 blocks of it is empty, so a ray
 * may jump (d − 1) blocks' width without missing anything.
 */
export interface Occupancy {
  /** Voxels per block along column, row, slice. */
  block: readonly [number, number, number];
  dims: readonly [number, number, number];
  distance: Uint8Array;
  /** How many blocks hold tissue. */
  occupied: number;
}

/** Blocks are about this wide, mm. */
const BLOCK_MM = 4;
/** Distances are capped here (a jump of 30 blocks is already most of a head). */
const FAR = 255;

/**
 * Builds the occupancy of the voxels above `threshold`. A block covers its voxels plus the next
 * one along each axis, because a trilinear sample inside the block reads them too. With a mask,
 * only tissue in its cells counts: rays pass through the rest as through air.
 */
export const occupancyOf = (
  v: Voxels,
  threshold: number,
  spacing: readonly [number, number, number],
  within?: WithinMask,
): Occupancy => {
  const [nx, ny, nz] = v.dims;
  const block = spacing.map((s) => Math.max(1, Math.round(BLOCK_MM / s))) as unknown as [number, number, number];
  const [bx, by, bz] = block;
  const dims = [Math.ceil(nx / bx), Math.ceil(ny / by), Math.ceil(nz / bz)] as const;
  const [wx, wy, wz] = dims;
  const n = wx * wy * wz;
  const full = new Uint8Array(n);
  // One cell more all round: the skin's partial-volume rim can fall in cells the mask left out.
  const inside = within ? dilateOnce(within.mask, within.dims) : undefined;
  const d = v.data;
  for (let k = 0; k < nz; k++) {
    // A voxel on a block boundary also belongs to the block before it (the +1 overlap).
    const k0 = Math.floor(k / bz);
    const k1 = k % bz === 0 && k0 > 0 ? k0 - 1 : k0;
    for (let j = 0; j < ny; j++) {
      const j0 = Math.floor(j / by);
      const j1 = j % by === 0 && j0 > 0 ? j0 - 1 : j0;
      const row = (k * ny + j) * nx;
      const cellRow = within
        ? (Math.floor(k / within.factors[2]) * within.dims[1] + Math.floor(j / within.factors[1])) * within.dims[0]
        : 0;
      for (let i = 0; i < nx; i++) {
        if (!(d[row + i]! > threshold)) continue;
        if (within && !inside![cellRow + Math.floor(i / within.factors[0])]) continue;
        const i0 = Math.floor(i / bx);
        const i1 = i % bx === 0 && i0 > 0 ? i0 - 1 : i0;
        for (let kk = k1; kk <= k0; kk++)
          for (let jj = j1; jj <= j0; jj++) for (let ii = i1; ii <= i0; ii++) full[ii + wx * (jj + wy * kk)] = 1;
      }
    }
  }
  let occupied = 0;
  const distance = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    distance[p] = full[p] ? 0 : FAR;
    occupied += full[p]!;
  }
  chessboard(distance, dims);
  return { block, dims, distance, occupied };
};

/**
 * Chessboard distance transform in place (two raster passes over the 26-neighbourhood): each
 * cell gets the number of blocks to the nearest cell that was 0.
 */
const chessboard = (d: Uint8Array, dims: readonly [number, number, number]): void => {
  const [wx, wy, wz] = dims;
  const at = (i: number, j: number, k: number) => i + wx * (j + wy * k);
  const pass = (forward: boolean) => {
    for (let kk = 0; kk < wz; kk++) {
      const k = forward ? kk : wz - 1 - kk;
      for (let jj = 0; jj < wy; jj++) {
        const j = forward ? jj : wy - 1 - jj;
        for (let ii = 0; ii < wx; ii++) {
          const i = forward ? ii : wx - 1 - ii;
          const p = at(i, j, k);
          let best = d[p]!;
          if (best === 0) continue;
          const s = forward ? -1 : 1;
          // The 13 neighbours already visited in this pass's order.
          for (let dk = 0; dk <= 1; dk++)
            for (let dj = -1; dj <= 1; dj++)
              for (let di = -1; di <= 1; di++) {
                if (dk === 0 && (dj < 0 || (dj === 0 && di <= 0))) continue;
                const ni = i + s * di;
                const nj = j + s * dj;
                const nk = k + s * dk;
                if (ni < 0 || nj < 0 || nk < 0 || ni >= wx || nj >= wy || nk >= wz) continue;
                const q = d[at(ni, nj, nk)]! + 1;
                if (q < best) best = q;
              }
          d[p] = best;
        }
      }
    }
  };
  pass(true);
  pass(false);
};

/** A mask grown by one cell along each axis and diagonally (separable 3×3×3 maximum). */
const dilateOnce = (mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array => {
  const [nx, ny] = dims;
  const strides = [1, nx, nx * ny];
  let src = mask;
  for (let axis = 0; axis < 3; axis++) {
    const out = new Uint8Array(src.length);
    const stride = strides[axis]!;
    const size = dims[axis]!;
    for (let p = 0; p < src.length; p++) {
      const at = Math.floor(p / stride) % size;
      out[p] = src[p]! | (at > 0 ? src[p - stride]! : 0) | (at < size - 1 ? src[p + stride]! : 0);
    }
    src = out;
  }
  return src;
};
