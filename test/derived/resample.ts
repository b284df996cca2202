import { add, scale, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';
import type { PlacedGrid } from './patientMask.ts';
import { apply, invert, type Rigid, toSource, transpose } from './rigid.ts';
import type { SliceGrid } from './sliceGrid.ts';
import type { SourceHead } from './sources.ts';

/**
 * Samples a source head on a derived slice grid: every output pixel is placed in patient space
 * through its own slice's ImagePositionPatient and the grid's orientation and spacing (PS3.3
 * Equation C.7.6.2.1-1), taken back through the anatomy's move to the source's patient space, and
 * read there by trilinear interpolation of the source voxels (physical values: HU, MR units).
 * Outside the source's field of view the value is `source.outside` (air), or NaN when
 * `markOutside` is set (the writer turns NaN into Pixel Padding Value).
 *
 * Everything is affine, so each row is a start and a step in source voxel indexes.
 */
export const resample = (source: SourceHead, grid: SliceGrid, move: Rigid, markOutside = false): Float32Array[] => {
  const toIndex = indexMap(source.grid);
  const [nx, ny, nz] = source.grid.dims;
  const data = source.voxels.data;
  const outside = markOutside ? Number.NaN : source.outside;
  const colStep = scale(grid.rowCosines, grid.pixelSpacing[1]);
  const rowStep = scale(grid.columnCosines, grid.pixelSpacing[0]);
  const at = (p: Vec3) => toIndex(toSource(move, p));
  return grid.positions.map((origin) => {
    const out = new Float32Array(grid.rows * grid.columns);
    for (let r = 0; r < grid.rows; r++) {
      const start = add(origin, scale(rowStep, r));
      const a = at(start);
      const d = sub(at(add(start, colStep)), a);
      for (let c = 0; c < grid.columns; c++) {
        const x = a[0] + c * d[0];
        const y = a[1] + c * d[1];
        const z = a[2] + c * d[2];
        // Within half a voxel of the edge voxels' centres is still in the field of view.
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > nx - 0.5 || y > ny - 0.5 || z > nz - 0.5) {
          out[r * grid.columns + c] = outside;
          continue;
        }
        out[r * grid.columns + c] = trilinear(data, nx, ny, nz, x, y, z);
      }
    }
    return out;
  });
};

/** Patient position → fractional voxel index of a placed grid (its axes may be any independent vectors). */
export const indexMap = (g: PlacedGrid): ((p: Vec3) => Vec3) => {
  const inverse = invert(transpose([g.steps[0], g.steps[1], g.steps[2]]));
  return (p) => apply(inverse, sub(p, g.origin));
};

const trilinear = (
  d: ArrayLike<number>,
  nx: number,
  ny: number,
  nz: number,
  x: number,
  y: number,
  z: number,
): number => {
  // Clamped to the edge voxels (the half voxel beyond them repeats them).
  const cx = Math.min(nx - 1, Math.max(0, x));
  const cy = Math.min(ny - 1, Math.max(0, y));
  const cz = Math.min(nz - 1, Math.max(0, z));
  const i = Math.min(nx - 2, Math.floor(cx));
  const j = Math.min(ny - 2, Math.floor(cy));
  const k = Math.min(nz - 2, Math.floor(cz));
  const fx = cx - i;
  const fy = cy - j;
  const fz = cz - k;
  const p = i + nx * (j + ny * k);
  const sx = 1;
  const sy = nx;
  const sz = nx * ny;
  const c00 = d[p]! * (1 - fx) + d[p + sx]! * fx;
  const c10 = d[p + sy]! * (1 - fx) + d[p + sy + sx]! * fx;
  const c01 = d[p + sz]! * (1 - fx) + d[p + sz + sx]! * fx;
  const c11 = d[p + sz + sy]! * (1 - fx) + d[p + sz + sy + sx]! * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
};
