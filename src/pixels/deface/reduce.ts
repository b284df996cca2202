import type { FrameGeometry } from '../geometry/FrameGeometry.ts';
import type { Volume } from '../geometry/Volume.ts';
import { add, dot, formatNumber, scale, type Vec3 } from '../geometry/vec3.ts';
import { workFactors } from './grid.ts';
import type { FineLattice, Rescale, Voxels } from './Voxels.ts';

/**
 * The copy of a series that judging reads (masks, head axes, the fan's fit, the content gate, the
 * face check's renders): the series' own voxels when they are few enough, else their block means
 * on a coarser lattice, so that what a series costs in memory does not grow with its size. A
 * 600-slice 512 × 512 CT is 157 M voxels (300 MB of Int16, and as much again for the face check's
 * "after"); judged on blocks it costs tens of MB, and its files are read again one at a time to
 * write the cut at full resolution.
 *
 * Why judging can be coarse: the masks are already made on a working grid of about 2 mm blocks
 * (`grid.ts`), and the cut is planes in patient space, fitted to the brain's voxels and rechecked
 * on the series' own lattice (`fanCut.ts`, `deface.ts`), never to the copy's.
 */

/**
 * Voxels judged at most: 256³, a whole head at 1 mm. Every real head at hand (the UNC CT
 * 256 × 256 × 113, the sagittal T1 256 × 256 × 35, Colin27 181 × 217 × 181) and every derived
 * case is judged as it is. Reduced copies hold Float32 block means: 64 MB at most, and as much
 * again for the face check's "after".
 */
export const JUDGE_MAX_VOXELS = 2 ** 24;

/**
 * Working-grid cells (`grid.ts`) at most: 128³, a whole head at 1 mm in 2 mm cells. Judging
 * allocates some 65 bytes a cell on an MR (masks, distance maps, labels; measured on a
 * 256 × 256 × 200 MR: 215 MB for 3.3 M cells, the garbage collector leaving most of it until the
 * end), so two workers judging at once stay near 300 MB. 2 mm cells make the grid as large as the
 * voxels once the voxels are 2 mm or more (a long thick-slice series), so the voxels alone do not
 * bound it. The largest real or derived head at hand has 2.09 M cells (the tilted CT at 1.5 mm).
 */
export const JUDGE_MAX_CELLS = 2 ** 21;

/** Pixels finer than this are merged in-plane, mm (round(1 / spacing) per block: 0.43 mm → 2). */
const JUDGE_PIXEL_MM = 1;

/** Axes whose spacing is within this share of the finest are coarsened together (square pixels stay square). */
const SAME_SPACING = 1.01;

/** The series' voxels per block of the judging copy along column, row and slice: [1, 1, 1] when judged as it is. */
export const judgeFactors = (volume: Volume): [number, number, number] => {
  const spacing = [volume.pixelSpacing[1], volume.pixelSpacing[0], volume.sliceSpacing] as const;
  const dims = [volume.columns, volume.rows, volume.frames.length] as const;
  const f: [number, number, number] = [
    Math.max(1, Math.round(JUDGE_PIXEL_MM / spacing[0])),
    Math.max(1, Math.round(JUDGE_PIXEL_MM / spacing[1])),
    1,
  ];
  const reduced = (a: number) => Math.ceil(dims[a]! / f[a]!);
  const voxelMm = (a: number) => spacing[a]! * f[a]!;
  const work = () => workFactors([voxelMm(0), voxelMm(1), voxelMm(2)]);
  const cellMm = (a: number) => voxelMm(a) * work()[a]!;
  const voxels = () => reduced(0) * reduced(1) * reduced(2);
  const cells = () => {
    const w = work();
    return Math.ceil(reduced(0) / w[0]) * Math.ceil(reduced(1) / w[1]) * Math.ceil(reduced(2) / w[2]);
  };
  // Coarsen the finest axis (and those as fine) one voxel at a time, so the copy stays as isotropic
  // as it can: finest in voxels while they are too many, finest in cells while those are (a 1 mm
  // pixel's cell is 2 mm already, so 256 × 256 × 150 at 1 × 1 × 1.5 mm gives up its 1.5 mm slices,
  // not its pixels). A voxel coarsened within its cell leaves the cells as they were: the loop
  // goes on with the same axis until they change.
  for (;;) {
    const tooManyVoxels = voxels() > JUDGE_MAX_VOXELS;
    if (!tooManyVoxels && cells() <= JUDGE_MAX_CELLS) return f;
    const size = tooManyVoxels ? voxelMm : cellMm;
    const open = [0, 1, 2].filter((a) => reduced(a) > 1);
    const finest = Math.min(...open.map(size));
    for (const a of open) if (size(a) <= finest * SAME_SPACING) f[a]!++;
  }
};

/**
 * The geometry of the judging copy: block (I, J, K) stands where the mean of its voxels' centres
 * is. In-plane, full blocks are (f − 1)/2 voxels in from their first voxel, a steady step apart;
 * the last block of a row or column may be partial and is placed as a full one would be (at most
 * half a block beyond its voxels, at the image's edge: air). Along the stack, each block's origin
 * is the mean of its slices' own ImagePositionPatient, so tilt and gaps carry over exactly.
 * Spacing is the series' times the factors; the notes and gaps stay the series' own.
 */
export const reducedVolume = (volume: Volume, factors: readonly [number, number, number]): Volume => {
  const [fx, fy, fz] = factors;
  if (fx === 1 && fy === 1 && fz === 1) return volume;
  const shift = add(scale(volume.columnStep, (fx - 1) / 2), scale(volume.rowStep, (fy - 1) / 2));
  const columns = Math.ceil(volume.columns / fx);
  const rows = Math.ceil(volume.rows / fy);
  const pixelSpacing = [volume.pixelSpacing[0] * fy, volume.pixelSpacing[1] * fx] as const;
  const frames: FrameGeometry[] = [];
  for (let k0 = 0; k0 < volume.frames.length; k0 += fz) {
    const block = volume.frames.slice(k0, k0 + fz);
    let origin: Vec3 = [0, 0, 0];
    for (const f of block) origin = add(origin, f.imagePositionPatient);
    const { sliceThickness, ...first } = block[0]!;
    frames.push({
      ...first,
      imagePositionPatient: add(scale(origin, 1 / block.length), shift),
      pixelSpacing,
      rows,
      columns,
    });
  }
  const positions = Float64Array.from(frames, (f) => dot(f.imagePositionPatient, volume.normal));
  return {
    ...volume,
    frames,
    columns,
    rows,
    pixelSpacing,
    columnStep: scale(volume.columnStep, fx),
    rowStep: scale(volume.rowStep, fy),
    positions,
    sliceSpacing: volume.sliceSpacing * fz,
    extent: positions[positions.length - 1]! - positions[0]!,
  };
};

/** Gathers a series' decoded slices, one at a time in any order, into its judging copy (`reduceSeries`). */
export interface VoxelReducer {
  /** Adds slice `k` (in volume order): its stored samples, rows · columns of them. */
  add(k: number, stored: ArrayLike<number>): void;
  /**
   * The judging copy once every slice is in, and which of its voxels are PixelPaddingValue
   * throughout (absent when none is): the "after" copy leaves those as they are, as the cut does.
   */
  finish(): { voxels: Voxels; padding?: Uint8Array };
}

/**
 * A reducer for a series' volume: physical values (stored · slope + intercept) summed per block,
 * padding counted apart, then block means. One slice's samples at a time: the series' own voxels
 * never exist in memory together. With factors [1, 1, 1] the result is exactly `voxelsOf`'s
 * (Int16 when every value is an integer in range, padding as the lowest value); reduced, it is
 * Float32 means in which padding counts as that lowest value.
 */
export const voxelReducer = (volume: Volume, modality: 'CT' | 'MR', rescale: Rescale): VoxelReducer => {
  const factors = judgeFactors(volume);
  const [fx, fy, fz] = factors;
  const nx = volume.columns;
  const ny = volume.rows;
  const nz = volume.frames.length;
  const reduced = reducedVolume(volume, factors);
  const dims = [reduced.columns, reduced.rows, reduced.frames.length] as const;
  const [rx, ry] = dims;
  const n = dims[0] * dims[1] * dims[2];
  const pad = rescale.paddingValue;
  const blockMax = fx * fy * fz;
  const { slope, intercept } = rescale;
  // One sample per voxel: the physical values themselves, Int16 while every value is an integer in
  // range (written straight in, as voxelsOf would have them), Float32 from the first that is not.
  // Blocks: Float32 sums, made means in place.
  const single = blockMax === 1;
  let data: Float32Array | Int16Array =
    single && Number.isInteger(slope) && Number.isInteger(intercept) ? new Int16Array(n) : new Float32Array(n);
  const toFloat = () => {
    data = Float32Array.from(data);
  };
  const int16 = (x: number) => x >= -32768 && x <= 32767;
  const padded = pad === undefined ? undefined : blockMax < 256 ? new Uint8Array(n) : new Uint16Array(n);
  const blockOfColumn = Int32Array.from({ length: nx }, (_, i) => Math.floor(i / fx));
  const seen = new Uint8Array(nz);
  let sMin = Number.POSITIVE_INFINITY;
  let sMax = Number.NEGATIVE_INFINITY;

  const add = (k: number, px: ArrayLike<number>): void => {
    if (k < 0 || k >= nz || seen[k]) throw new Error(`slice ${k + 1} added twice or out of range`);
    const size = nx * ny;
    if (px.length < size) throw new Error(`slice ${k + 1} has ${px.length} samples, not ${size}`);
    seen[k] = 1;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < size; i++) {
      const s = px[i]!;
      if (s === pad) continue;
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    if (lo <= hi) {
      sMin = Math.min(sMin, lo);
      sMax = Math.max(sMax, hi);
      if (data instanceof Int16Array && !(int16(lo * slope + intercept) && int16(hi * slope + intercept))) toFloat();
    }
    const d = data;
    const plane = Math.floor(k / fz) * rx * ry;
    for (let j = 0; j < ny; j++) {
      const row = plane + Math.floor(j / fy) * rx;
      const from = j * nx;
      for (let i = 0; i < nx; i++) {
        const s = px[from + i]!;
        const p = row + blockOfColumn[i]!;
        if (s === pad) padded![p]!++;
        else if (single) d[p] = s * slope + intercept;
        else d[p]! += s * slope + intercept;
      }
    }
  };

  const finish = (): { voxels: Voxels; padding?: Uint8Array } => {
    const missing = seen.indexOf(0);
    if (missing >= 0) throw new Error(`slice ${missing + 1} of ${nz} was never added`);
    // The range actually present, as voxelsOf reads it: padding becomes its lowest value.
    if (sMin > sMax) sMin = sMax = rescale.storedMin;
    const lo = Math.min(sMin * slope + intercept, sMax * slope + intercept);
    const fine = { volume, dims: [nx, ny, nz] as const, factors };
    const base = { volume: reduced, dims, modality, rescale };
    if (single) {
      if (data instanceof Int16Array && !int16(lo)) toFloat();
      const d = data;
      if (padded) for (let p = 0; p < n; p++) if (padded[p]) d[p] = lo;
      const padding = padded?.includes(1) ? (padded as Uint8Array) : undefined;
      return { voxels: { ...base, data: d }, ...(padding ? { padding } : {}) };
    }
    const sum = data;
    const padding = padded ? new Uint8Array(n) : undefined;
    let anyPadding = false;
    for (let kk = 0; kk < dims[2]; kk++) {
      const bz = Math.min(fz, nz - kk * fz);
      for (let jj = 0; jj < ry; jj++) {
        const by = Math.min(fy, ny - jj * fy);
        for (let ii = 0; ii < rx; ii++) {
          const count = Math.min(fx, nx - ii * fx) * by * bz;
          const p = ii + rx * (jj + ry * kk);
          const q = padded?.[p] ?? 0;
          sum[p] = (sum[p]! + q * lo) / count;
          if (q === count) {
            padding![p] = 1;
            anyPadding = true;
          }
        }
      }
    }
    return { voxels: { ...base, data: sum, fine }, ...(anyPadding ? { padding: padding! } : {}) };
  };
  return { add, finish };
};

/** The report's sentence on a reduced copy: what was judged at what size, and what stayed exact. */
export const reductionNote = (fine: FineLattice, v: Pick<Voxels, 'volume'>): string => {
  const mm = (vol: Volume) =>
    [vol.pixelSpacing[1], vol.pixelSpacing[0], vol.sliceSpacing].map((x) => formatNumber(x, 2)).join(' × ');
  return `judged on a copy of ${fine.factors.join(' × ')}-voxel blocks (${mm(v.volume)} mm; the series' voxels are ${mm(fine.volume)} mm) to bound memory: the removed volume is estimated on it; the cut is written, and its distance from the brain rechecked, on every voxel of the series`;
};
