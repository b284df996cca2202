import { cross, normalize, type Vec3 } from '../../src/pixels/geometry/vec3.ts';
import { apply, invert, type Mat3, rotation, transpose } from './rigid.ts';

/**
 * Where a derived series' slices are: what ImagePositionPatient, ImageOrientationPatient,
 * PixelSpacing and SliceThickness each instance will carry. Slices share one orientation; their
 * origins need not advance along its normal (a tilted gantry) nor evenly (gaps).
 */
export interface SliceGrid {
  /** ImageOrientationPatient 1–3: along a row, the column index grows. */
  rowCosines: Vec3;
  /** ImageOrientationPatient 4–6: down a column, the row index grows. */
  columnCosines: Vec3;
  /** PixelSpacing as the standard orders it: [between rows, between columns], mm. */
  pixelSpacing: readonly [number, number];
  rows: number;
  columns: number;
  /** ImagePositionPatient of each slice, in instance order. */
  positions: Vec3[];
  sliceThickness: number;
}

/** How to lay slices over a head. */
export interface GridSpec {
  rowCosines: Vec3;
  columnCosines: Vec3;
  /** The unit direction slice origins advance in: the normal (default), or the table's axis under a tilted gantry. */
  stack?: Vec3;
  pixelMm: number;
  /** Step between slice origins along `stack`, mm. */
  sliceMm: number;
  /** Room left around the points, mm (default 4). */
  marginMm?: number;
  /** Instance 1 at the far end of the stack (a table moving the other way). */
  reversed?: boolean;
}

/**
 * The smallest grid of the spec that covers every point (plus the margin): the field of view a
 * technologist would set around the head. Points are decomposed along row, column and stack
 * (not orthogonal under a tilted gantry), so the extents are exact in each.
 */
export const gridCovering = (points: readonly Vec3[], spec: GridSpec): SliceGrid => {
  const row = spec.rowCosines;
  const column = spec.columnCosines;
  const stack = spec.stack ?? cross(row, column);
  const toAxes = invert(transpose([row, column, stack]));
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const p of points) {
    const c = apply(toAxes, p);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, c[a]!);
      hi[a] = Math.max(hi[a]!, c[a]!);
    }
  }
  if (!Number.isFinite(lo[0]!)) throw new Error('gridCovering: no points to cover');
  const m = spec.marginMm ?? 4;
  const count = (a: number, step: number) => Math.floor((hi[a]! - lo[a]! + 2 * m) / step) + 1;
  const columns = count(0, spec.pixelMm);
  const rows = count(1, spec.pixelMm);
  const slices = count(2, spec.sliceMm);
  const at = (a: number, b: number, s: number): Vec3 =>
    [0, 1, 2].map((i) => a * row[i]! + b * column[i]! + s * stack[i]!) as unknown as Vec3;
  const positions = Array.from({ length: slices }, (_, k) => at(lo[0]! - m, lo[1]! - m, lo[2]! - m + k * spec.sliceMm));
  if (spec.reversed) positions.reverse();
  return {
    rowCosines: row,
    columnCosines: column,
    pixelSpacing: [spec.pixelMm, spec.pixelMm],
    rows,
    columns,
    positions,
    sliceThickness: spec.sliceMm,
  };
};

/** A grid with some slices left out (irregular gaps): `drop(k)` for slice k in instance order. */
export const withGaps = (g: SliceGrid, drop: (k: number) => boolean): SliceGrid => ({
  ...g,
  positions: g.positions.filter((_, k) => !drop(k)),
});

/** An orientation: row and column cosines. */
export interface Orientation {
  rowCosines: Vec3;
  columnCosines: Vec3;
}

/** Axial, coronal and sagittal as a head-first supine scanner writes them (PS3.3 C.7.6.2.1.1). */
export const AXIAL: Orientation = { rowCosines: [1, 0, 0], columnCosines: [0, 1, 0] };
export const CORONAL: Orientation = { rowCosines: [1, 0, 0], columnCosines: [0, 0, -1] };
export const SAGITTAL: Orientation = { rowCosines: [0, 1, 0], columnCosines: [0, 0, -1] };

/** An orientation turned by a rotation (an oblique plane). */
export const turned = (o: Orientation, r: Mat3): Orientation => ({
  rowCosines: apply(r, o.rowCosines),
  columnCosines: apply(r, o.columnCosines),
});

/** Patient Position (0018,5100) values with a gantry-axial acquisition. */
export type PatientPosition = 'HFS' | 'HFP' | 'FFS' | 'FFP' | 'HFDL' | 'HFDR';

/**
 * What an axial acquisition looks like in patient coordinates for each Patient Position. The
 * image grid is fixed to the gantry: rows run to the gantry's x (screen right), columns to its y
 * (screen down), and the table moves along its z. LPS is fixed to the patient, so each position
 * turns those gantry axes into other patient directions (PS3.3 C.7.6.2.1.1 and C.7.3.1.1.2):
 * - HFS: x → L, y → P (1\0\0\0\1\0); HFP: x → R, y → A (−1\0\0\0\−1\0);
 * - FFS: x → R, y → P, and the table's axis is reversed (−1\0\0\0\1\0); FFP: x → L, y → A;
 * - HFDL (left side down): x → A, y → L (0\−1\0\1\0\0); HFDR (right side down): x → P, y → R
 *   (0\1\0\−1\0\0).
 * `stack` is where the table carries the next slice in patient terms (head-first: towards the feet
 * is −z; instance order is chosen separately).
 */
export const POSITIONS: Readonly<Record<PatientPosition, Orientation & { stack: Vec3 }>> = {
  HFS: { rowCosines: [1, 0, 0], columnCosines: [0, 1, 0], stack: [0, 0, 1] },
  HFP: { rowCosines: [-1, 0, 0], columnCosines: [0, -1, 0], stack: [0, 0, 1] },
  FFS: { rowCosines: [-1, 0, 0], columnCosines: [0, 1, 0], stack: [0, 0, -1] },
  FFP: { rowCosines: [1, 0, 0], columnCosines: [0, -1, 0], stack: [0, 0, -1] },
  HFDL: { rowCosines: [0, -1, 0], columnCosines: [1, 0, 0], stack: [0, 0, 1] },
  HFDR: { rowCosines: [0, 1, 0], columnCosines: [-1, 0, 0], stack: [0, 0, 1] },
};

/**
 * An axial acquisition under a gantry tilted by `degrees` about the patient's left-right axis
 * (head-first supine): the image plane turns about x, so the column cosines gain a z component,
 * while the table still carries each slice along z. Origins then step along z, not along the
 * normal: the slices are sheared, which is what a tilted CT gantry writes.
 */
export const tiltedGantry = (degrees: number): Orientation & { stack: Vec3 } => {
  const r = rotation([1, 0, 0], degrees);
  return {
    rowCosines: [1, 0, 0],
    columnCosines: normalize(apply(r, [0, 1, 0]))!,
    stack: [0, 0, 1],
  };
};
