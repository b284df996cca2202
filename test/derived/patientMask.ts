import { type Grid, voxelMl } from '../../src/pixels/deface/grid.ts';
import { countOf, squaredDistance } from '../../src/pixels/deface/morphology.ts';
import { add, dot, norm, scale, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';

/**
 * A regular grid placed in patient space: cell (i, j, k) is centred at
 * origin + i·steps[0] + j·steps[1] + k·steps[2] (LPS, mm). The steps must be orthogonal (the
 * source heads are plain axial or sagittal stacks); derived cases need not be.
 */
export interface PlacedGrid {
  dims: readonly [number, number, number];
  origin: Vec3;
  steps: readonly [Vec3, Vec3, Vec3];
}

/**
 * A mask of a source head (its brain) that can be asked about any point in patient space: how far
 * it is from the mask, and, conservatively, whether it is within a margin of it. The mask is the
 * union of its cells (boxes), so a point inside a brain cell is brain.
 */
export interface PatientMask {
  grid: PlacedGrid;
  /** Cells in the mask. */
  cells: number;
  volumeMl: number;
  /** A cell's diagonal, mm: how far apart two points of one cell may be. */
  cellDiagonalMm: number;
  /**
   * The distance (mm) from the centre of the cell nearest to `p` to the nearest mask cell centre:
   * exact on cell centres, within one cell's half diagonal elsewhere. For reports.
   */
  distanceMm(p: Vec3): number;
  /**
   * True for every point within `marginMm` of the mask (cells as boxes), and possibly for some a
   * little further (up to a cell diagonal): a superset, so a test that no changed voxel is `near`
   * is at least as strict as the margin it names. Derivation: the distance to the mask's centres
   * is 1-Lipschitz, so d(p) ≥ d(p′) ≥ d(c) − |p′ − c| for p′ the projection of p onto the box of
   * cell centres and c the cell nearest it; a point of a mask cell is within half a diagonal of
   * that cell's centre.
   */
  near(p: Vec3, marginMm: number): boolean;
  /** The mask cells' centres in patient space (every `stride`-th along each axis): for bounding boxes. */
  centres(stride?: number): Vec3[];
}

/** Builds a PatientMask from a mask on a placed grid (index i + nx·(j + ny·k)). */
export const patientMask = (mask: Uint8Array, grid: PlacedGrid): PatientMask => {
  const [nx, ny, nz] = grid.dims;
  const spacing = grid.steps.map(norm) as unknown as [number, number, number];
  const [a, b, c] = grid.steps;
  if (Math.abs(dot(a, b)) + Math.abs(dot(a, c)) + Math.abs(dot(b, c)) > 1e-6 * Math.max(...spacing) ** 2)
    throw new Error('patientMask: the grid axes are not orthogonal');
  const units = grid.steps.map((s, i) => scale(s, 1 / spacing[i]! ** 2)) as unknown as [Vec3, Vec3, Vec3];
  const g: Grid = { dims: grid.dims, spacing };
  const d2 = squaredDistance(mask, g, 1);
  const halfDiagonal = Math.hypot(...spacing) / 2;
  // The nearest cell to p, and how far from its centre p's projection onto the grid's box lies:
  // projecting onto a convex box that holds every mask centre brings a point no nearer to any of
  // them, so the bound below holds outside the grid too.
  const nearest = (p: Vec3): { cell: number; off: number } => {
    const d = sub(p, grid.origin);
    const at = [dot(d, units[0]), dot(d, units[1]), dot(d, units[2])].map((x, a) =>
      Math.min(grid.dims[a]! - 1, Math.max(0, x)),
    );
    const [i, j, k] = at.map(Math.round) as [number, number, number];
    const off = Math.hypot((at[0]! - i) * spacing[0], (at[1]! - j) * spacing[1], (at[2]! - k) * spacing[2]);
    return { cell: i + nx * (j + ny * k), off };
  };
  return {
    grid,
    cells: countOf(mask),
    volumeMl: countOf(mask) * voxelMl(g),
    cellDiagonalMm: Math.hypot(...spacing),
    distanceMm: (p) => Math.sqrt(d2[nearest(p).cell]!),
    near: (p, marginMm) => {
      const { cell, off } = nearest(p);
      return Math.sqrt(d2[cell]!) - off <= marginMm + halfDiagonal;
    },
    centres: (stride = 1) => {
      const out: Vec3[] = [];
      for (let k = 0; k < nz; k += stride)
        for (let j = 0; j < ny; j += stride)
          for (let i = 0; i < nx; i += stride)
            if (mask[i + nx * (j + ny * k)])
              out.push(add(add(add(grid.origin, scale(a, i)), scale(b, j)), scale(c, k)));
      return out;
    },
  };
};
