import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import type { FrameGeometry } from '../geometry/FrameGeometry.ts';
import { assembleVolume } from '../geometry/Volume.ts';
import type { Vec3 } from '../geometry/vec3.ts';
import { type Voxels, voxelsOf } from './Voxels.ts';

/**
 * Colin27 (Holmes et al. 1998: one man scanned 27 times and averaged), the 1 mm T1 whole head and
 * its brain-extracted version from Debian's mricron-data, unpacked by scripts/fetch-mricron.sh into
 * .cache/mricron/ (never committed). Test helper: a NIfTI-1 reader just big enough for them.
 */
export const MRICRON = join(import.meta.dirname, '..', '..', '..', '.cache', 'mricron');
export const colinPresent = existsSync(join(MRICRON, 'ch2.nii.gz')) && existsSync(join(MRICRON, 'ch2bet.nii.gz'));

/** A NIfTI-1 volume: dims (i, j, k), voxel size (mm), the samples as numbers, the sform rows. */
export interface Nifti {
  dims: [number, number, number];
  pixdim: [number, number, number];
  data: Float32Array;
  /** sform (or, without one, the qoffset with pixdim on the diagonal): RAS mm = M · (i, j, k, 1). */
  srow: [number[], number[], number[]];
}

/**
 * Reads a gzip NIfTI-1 file (single file, .nii.gz, little-endian): the 348-byte header (dim at 40,
 * datatype at 70, pixdim at 76, vox_offset at 108, scl_slope/inter at 112, qform/sform codes at
 * 252/254, srow_x/y/z at 280) and uint8, int16, uint16 or float32 samples.
 */
export const readNifti = (path: string): Nifti => {
  const b = gunzipSync(new Uint8Array(readFileSync(path)));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getInt32(0, true) !== 348) throw new Error(`${path}: not a little-endian NIfTI-1 file`);
  const dims: [number, number, number] = [dv.getInt16(42, true), dv.getInt16(44, true), dv.getInt16(46, true)];
  const pixdim: [number, number, number] = [dv.getFloat32(80, true), dv.getFloat32(84, true), dv.getFloat32(88, true)];
  const datatype = dv.getInt16(70, true);
  const offset = dv.getFloat32(108, true);
  const slope = dv.getFloat32(112, true) || 1;
  const inter = dv.getFloat32(116, true);
  const sformCode = dv.getInt16(254, true);
  const srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => dv.getFloat32(280 + 16 * r + 4 * c, true))) as [
    number[],
    number[],
    number[],
  ];
  if (sformCode <= 0) {
    // No sform: assume axes along RAS with the qform offset (true of the mricron templates, which carry an sform).
    const q = [dv.getFloat32(268, true), dv.getFloat32(272, true), dv.getFloat32(276, true)];
    for (let r = 0; r < 3; r++) srow[r] = [0, 1, 2].map((c) => (c === r ? pixdim[r]! : 0)).concat(q[r]!);
  }
  const n = dims[0] * dims[1] * dims[2];
  const data = new Float32Array(n);
  const at = offset;
  const get: Record<number, (i: number) => number> = {
    2: (i) => dv.getUint8(at + i),
    4: (i) => dv.getInt16(at + 2 * i, true),
    512: (i) => dv.getUint16(at + 2 * i, true),
    16: (i) => dv.getFloat32(at + 4 * i, true),
  };
  const read = get[datatype];
  if (!read) throw new Error(`${path}: NIfTI datatype ${datatype} is not read here`);
  for (let i = 0; i < n; i++) data[i] = read(i) * slope + inter;
  return { dims, pixdim, data, srow };
};

/**
 * A NIfTI volume as the Voxels of a stack of DICOM slices: voxel (i, j, k) is column i, row j of
 * slice k. NIfTI's world is RAS and DICOM's patient space LPS, so x and y change sign. The
 * templates' sform is diagonal (axes along RAS, 1 mm): the slices are axial, rows run left to
 * right of the image as R→L… as the sform says; an oblique sform would work the same way. The
 * samples are written as MR stored values (slope 1), rounded to integers.
 */
export const niftiVoxels = (nii: Nifti): { voxels: Voxels; frames: Uint16Array[] } => {
  const [ni, nj, nk] = nii.dims;
  const m = nii.srow;
  const lps = (i: number, j: number, k: number): Vec3 => {
    const ras = [0, 1, 2].map((r) => m[r]![0]! * i + m[r]![1]! * j + m[r]![2]! * k + m[r]![3]!);
    return [-ras[0]!, -ras[1]!, ras[2]!];
  };
  const unit = (a: Vec3, b: Vec3): Vec3 => {
    const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const l = Math.hypot(...d);
    return [d[0] / l, d[1] / l, d[2] / l];
  };
  const o = lps(0, 0, 0);
  const rowCosines = unit(o, lps(1, 0, 0));
  const columnCosines = unit(o, lps(0, 1, 0));
  const normal: Vec3 = [
    rowCosines[1] * columnCosines[2] - rowCosines[2] * columnCosines[1],
    rowCosines[2] * columnCosines[0] - rowCosines[0] * columnCosines[2],
    rowCosines[0] * columnCosines[1] - rowCosines[1] * columnCosines[0],
  ];
  const geometry: FrameGeometry[] = Array.from({ length: nk }, (_, k) => ({
    imagePositionPatient: lps(0, 0, k),
    rowCosines,
    columnCosines,
    normal,
    pixelSpacing: [nii.pixdim[1], nii.pixdim[0]] as const,
    rows: nj,
    columns: ni,
    frameOfReferenceUID: '2.25.27',
    source: { instance: k, frame: 0, frameCount: 1, instanceNumber: k + 1, sopInstanceUID: `2.25.27${k}` },
  }));
  const assembled = assembleVolume(geometry);
  if (!assembled.ok) throw new Error(assembled.error.message);
  const plane = ni * nj;
  const frames = Array.from({ length: nk }, (_, k) => {
    const f = new Uint16Array(plane);
    for (let p = 0; p < plane; p++) f[p] = Math.max(0, Math.round(nii.data[k * plane + p]!));
    return f;
  });
  const voxels = voxelsOf(assembled.value, frames, 'MR', { slope: 1, intercept: 0, storedMin: 0, storedMax: 65535 });
  return { voxels, frames };
};
