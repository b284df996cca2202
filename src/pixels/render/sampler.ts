import type { Voxels } from '../deface/Voxels.ts';
import { cross, dot, type Vec3 } from '../geometry/vec3.ts';

/**
 * Patient position (LPS, mm) → fractional voxel index (column, row, slice), for any volume the
 * geometry assembles: the slice index comes from the position along the normal through each
 * slice's own plane (so irregular gaps are exact), the in-plane indexes from the origin
 * interpolated between the two slices around the point (so a tilted gantry's sliding origins are
 * followed). Flat arrays and no allocation per call: a ray-caster maps millions of points.
 */
export interface VoxelMap {
  dims: readonly [number, number, number];
  /** Unit normal of the slices. */
  normal: Vec3;
  /** Each slice's ImagePositionPatient, x y z per slice. */
  origins: Float64Array;
  /** Row direction / column spacing and column direction / row spacing: (p − origin) · these = column, row. */
  perColumn: Vec3;
  perRow: Vec3;
  /** Fractional slice index at positions along the normal `lutStart + i · lutStep`. */
  lut: Float64Array;
  lutStart: number;
  lutStep: number;
  /** Patient-space gradient from an index-space gradient: g_patient = M · g_index (M = J⁻ᵀ, row-major). */
  gradient: Float64Array;
  /** The smallest distance between neighbouring slice planes, mm. */
  minGap: number;
}

/** Builds the map of a volume's voxels. */
export const voxelMapOf = (v: Voxels): VoxelMap => {
  const vol = v.volume;
  const nz = vol.frames.length;
  const origins = new Float64Array(nz * 3);
  vol.frames.forEach((f, k) => {
    origins.set(f.imagePositionPatient, k * 3);
  });
  const pos = vol.positions;
  let minGap = Number.POSITIVE_INFINITY;
  for (let k = 1; k < nz; k++) minGap = Math.min(minGap, pos[k]! - pos[k - 1]!);
  if (!Number.isFinite(minGap)) minGap = vol.sliceSpacing || 1;
  // A quarter of the smallest gap per entry: linear interpolation between entries is then exact
  // except in the one entry that straddles a slice, where it is off by under a quarter slice.
  const lutStep = minGap / 4;
  const lutStart = pos[0]! - minGap;
  const span = pos[nz - 1]! + minGap - lutStart;
  const lut = new Float64Array(Math.ceil(span / lutStep) + 2);
  let k = 0;
  for (let i = 0; i < lut.length; i++) {
    const s = lutStart + i * lutStep;
    while (k < nz - 2 && pos[k + 1]! <= s) k++;
    const a = pos[k]!;
    const b = pos[Math.min(k + 1, nz - 1)]!;
    lut[i] = b > a ? k + (s - a) / (b - a) : k;
  }
  const [ps0, ps1] = vol.pixelSpacing;
  const perColumn: Vec3 = [vol.rowCosines[0] / ps1, vol.rowCosines[1] / ps1, vol.rowCosines[2] / ps1];
  const perRow: Vec3 = [vol.columnCosines[0] / ps0, vol.columnCosines[1] / ps0, vol.columnCosines[2] / ps0];
  // J's columns are the steps of one column, one row and one slice (the mean origin advance).
  const a = vol.columnStep;
  const b = vol.rowStep;
  const c: Vec3 =
    nz > 1
      ? [
          (origins[(nz - 1) * 3]! - origins[0]!) / (nz - 1),
          (origins[(nz - 1) * 3 + 1]! - origins[1]!) / (nz - 1),
          (origins[(nz - 1) * 3 + 2]! - origins[2]!) / (nz - 1),
        ]
      : vol.normal;
  // J⁻ᵀ has rows (b×c, c×a, a×b)ᵀ… as columns: g_p = (b×c · g0 + c×a · g1 + a×b · g2) / det.
  const det = dot(a, cross(b, c));
  const bc = cross(b, c);
  const ca = cross(c, a);
  const ab = cross(a, b);
  const gradient = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    gradient[r * 3] = bc[r]! / det;
    gradient[r * 3 + 1] = ca[r]! / det;
    gradient[r * 3 + 2] = ab[r]! / det;
  }
  return { dims: v.dims, normal: vol.normal, origins, perColumn, perRow, lut, lutStart, lutStep, gradient, minGap };
};

/** Where `toVoxel` writes: column, row, slice. */
export type VoxelIndex = Float64Array;

/**
 * Maps patient (x, y, z) to fractional (column, row, slice) into `out`. Points beyond the stack
 * get slice indexes beyond 0 … slices − 1 (extrapolated), so the caller's range check rejects them.
 */
export const toVoxel = (m: VoxelMap, x: number, y: number, z: number, out: VoxelIndex): void => {
  const n = m.normal;
  const s = x * n[0] + y * n[1] + z * n[2];
  const u = (s - m.lutStart) / m.lutStep;
  let slice: number;
  const last = m.lut.length - 1;
  if (u <= 0) slice = m.lut[0]! + u * (m.lut[1]! - m.lut[0]!);
  else if (u >= last) slice = m.lut[last]! + (u - last) * (m.lut[last]! - m.lut[last - 1]!);
  else {
    const i = Math.floor(u);
    const f = u - i;
    slice = m.lut[i]! * (1 - f) + m.lut[i + 1]! * f;
  }
  const nz = m.dims[2];
  const k = Math.min(Math.max(Math.floor(slice), 0), Math.max(nz - 2, 0));
  const f = nz > 1 ? slice - k : 0;
  const o = m.origins;
  const k3 = k * 3;
  const j3 = Math.min(k + 1, nz - 1) * 3;
  const ox = o[k3]! + (o[j3]! - o[k3]!) * f;
  const oy = o[k3 + 1]! + (o[j3 + 1]! - o[k3 + 1]!) * f;
  const oz = o[k3 + 2]! + (o[j3 + 2]! - o[k3 + 2]!) * f;
  const dx = x - ox;
  const dy = y - oy;
  const dz = z - oz;
  const c = m.perColumn;
  const r = m.perRow;
  out[0] = dx * c[0] + dy * c[1] + dz * c[2];
  out[1] = dx * r[0] + dy * r[1] + dz * r[2];
  out[2] = slice;
};

/** The trilinear value of the voxels at a fractional index inside the volume (0 … n − 1 on each axis). */
export const trilinear = (v: Voxels, c: number, r: number, k: number): number => {
  const [nx, ny, nz] = v.dims;
  const d = v.data;
  const i = Math.min(Math.floor(c), nx - 2);
  const j = Math.min(Math.floor(r), ny - 2);
  const l = Math.min(Math.floor(k), Math.max(nz - 2, 0));
  const fx = c - i;
  const fy = r - j;
  const fz = nz > 1 ? k - l : 0;
  const p = i + nx * (j + ny * l);
  const plane = nz > 1 ? nx * ny : 0;
  const a = d[p]! + (d[p + 1]! - d[p]!) * fx;
  const b = d[p + nx]! + (d[p + nx + 1]! - d[p + nx]!) * fx;
  const e = d[p + plane]! + (d[p + plane + 1]! - d[p + plane]!) * fx;
  const g = d[p + plane + nx]! + (d[p + plane + nx + 1]! - d[p + plane + nx]!) * fx;
  const lower = a + (b - a) * fy;
  const upper = e + (g - e) * fy;
  return lower + (upper - lower) * fz;
};
