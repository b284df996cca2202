import type { Volume } from '../geometry/Volume.ts';

/**
 * A volume's samples in physical units, one typed array in voxel order: index
 * `column + columns · (row + rows · slice)`, slices in the Volume's sorted order. CT in Hounsfield
 * units (stored · RescaleSlope + RescaleIntercept), MR in stored values (they have no unit).
 */
export interface Voxels {
  volume: Volume;
  /** Columns, rows, slices. */
  dims: readonly [number, number, number];
  /** Int16Array when every physical value is an integer in range (CT with integer rescale, most MR), else Float32Array. */
  data: Float32Array | Int16Array;
  modality: 'CT' | 'MR';
  /** How stored values map to `data`, and back: the fill is written in stored values. */
  rescale: Rescale;
  /**
   * Set when these voxels are a reduced copy of the series (block means, `reduce.ts`): the series'
   * own lattice, and how many of its voxels make one of these along each axis. Judging reads
   * these voxels; the cut's planes are fitted to the brain and rechecked on the series' own
   * lattice (`fanCut.ts`, `deface.ts`), and written into its own frames.
   */
  fine?: FineLattice;
}

/** Where a volume's voxels lie, without their values: all that the cut's geometry needs (`fanCut.ts`). */
export type Lattice = Pick<Voxels, 'volume' | 'dims'>;

/** A series' own lattice seen from a reduced copy: `factors` of its voxels per reduced voxel (column, row, slice). */
export interface FineLattice extends Lattice {
  factors: readonly [number, number, number];
}

/** The series' own lattice of voxels: their `fine` one when reduced, else their own (one voxel per voxel). */
export const fineOf = (v: Voxels): FineLattice => v.fine ?? { volume: v.volume, dims: v.dims, factors: [1, 1, 1] };

/** The Modality LUT of a linear rescale (PS3.3 C.11.1.1.2) and the stored range, for writing back. */
export interface Rescale {
  slope: number;
  intercept: number;
  /** The smallest and largest value a stored sample can hold (Bits Stored, Pixel Representation). */
  storedMin: number;
  storedMax: number;
  /** PixelPaddingValue (0028,0120), stored: pixels outside the patient, never tissue. */
  paddingValue?: number;
}

/** The voxel count of a volume. */
export const voxelCount = (v: Pick<Voxels, 'dims'>): number => v.dims[0] * v.dims[1] * v.dims[2];

/**
 * Gathers decoded frames (one per slice, in `volume.frames` order, `rows · columns` single samples
 * each) into physical-unit voxels. Padding pixels become the lowest physical value, so they read as
 * air whatever the padding value was.
 */
export const voxelsOf = (
  volume: Volume,
  frames: readonly ArrayLike<number>[],
  modality: 'CT' | 'MR',
  rescale: Rescale,
): Voxels => {
  const plane = volume.columns * volume.rows;
  const dims = [volume.columns, volume.rows, volume.frames.length] as const;
  if (frames.length !== dims[2]) throw new Error(`${frames.length} frames for ${dims[2]} slices`);
  const { slope, intercept, paddingValue } = rescale;
  for (const [k, px] of frames.entries())
    if (px.length < plane) throw new Error(`slice ${k} has ${px.length} samples, not ${plane}`);
  // The range actually present (a 16-bit unsigned CT could hold 64 511 HU, but never does).
  let sMin = Number.POSITIVE_INFINITY;
  let sMax = Number.NEGATIVE_INFINITY;
  for (const px of frames)
    for (let i = 0; i < plane; i++) {
      const s = px[i]!;
      if (s === paddingValue) continue;
      if (s < sMin) sMin = s;
      if (s > sMax) sMax = s;
    }
  if (sMin > sMax) sMin = sMax = rescale.storedMin;
  const lo = Math.min(sMin * slope + intercept, sMax * slope + intercept);
  const hi = Math.max(sMin * slope + intercept, sMax * slope + intercept);
  // Integers in the Int16 range keep half the bytes: the usual CT (slope 1) and MR (12-bit) case.
  const integral = Number.isInteger(slope) && Number.isInteger(intercept) && lo >= -32768 && hi <= 32767;
  const data = integral ? new Int16Array(plane * dims[2]) : new Float32Array(plane * dims[2]);
  frames.forEach((px, k) => {
    const base = k * plane;
    for (let i = 0; i < plane; i++) {
      const s = px[i]!;
      data[base + i] = s === paddingValue ? lo : s * slope + intercept;
    }
  });
  return { volume, dims, data, modality, rescale };
};

/**
 * A physical value as the stored sample nearest to it, within the stored range: the inverse of
 * the rescale, for writing the fill back (CT −1000 HU with intercept −1024 is stored 24).
 */
export const toStored = (r: Rescale, physical: number): number =>
  Math.min(r.storedMax, Math.max(r.storedMin, Math.round((physical - r.intercept) / r.slope)));
