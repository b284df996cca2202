import { type Grid, gridSize } from './grid.ts';

/**
 * "Enclosed by bone" in 3D, whatever the slice orientation: from each cell, the 26 rays along the
 * grid's axes and their face and body diagonals are followed until they meet the wall (bone) or
 * leave the head. Inside the cranial cavity every ray meets the skull, except the few that escape
 * through the foramen magnum or a gap the thin bone of the skull base leaves at 2 mm; in the
 * orbits, the nasal cavity, the face and the neck whole cones of rays reach the air.
 *
 * Why rays and not the hole filling of planes: a plane through the middle cranial fossa runs
 * through the superior orbital fissure or the sphenoid sinus into the face in almost any
 * orientation, so a temporal lobe is "enclosed" in one plane only when that plane happens to be
 * aligned with the skull, and a head turned in the scanner (yaw −20°, pitch 20°, roll 10°) or a
 * field of view cut across the posterior fossa lost the temporal poles. A gap only opens the rays
 * that pass through it, not the whole plane.
 *
 * A ray that leaves the grid through a cell that is not air ran out of the field of view inside
 * the head (a field of view cut through the posterior fossa or the face): what lies beyond is
 * unknown, and it counts as meeting the wall, so a cavity open at the volume's edge is still
 * enclosed where bone closes it elsewhere.
 *
 * Each direction is one sweep over the grid (cells visited so that the next cell along the ray
 * comes first), so the whole is 26 linear passes with one byte of scratch per cell.
 */

/** The 26 neighbour directions of a cell, as index steps (column, row, slice). */
export const RAY_DIRECTIONS: readonly (readonly [number, number, number])[] = (() => {
  const out: [number, number, number][] = [];
  for (let z = -1; z <= 1; z++)
    for (let y = -1; y <= 1; y++) for (let x = -1; x <= 1; x++) if (x || y || z) out.push([x, y, z]);
  return out;
})();

/**
 * For each cell, the number of the 26 directions whose ray leaves the head without meeting
 * `wall` (0: enclosed on every side). `air` says which cells are air: a ray leaving the grid
 * through any other cell counts as meeting the wall (see above).
 */
export const openDirections = (wall: Uint8Array, air: Uint8Array, g: Grid): Uint8Array => {
  const [nx, ny, nz] = g.dims;
  const open = new Uint8Array(gridSize(g));
  // hit[p]: the ray from p in the current direction meets the wall.
  const hit = new Uint8Array(gridSize(g));
  for (const [ex, ey, ez] of RAY_DIRECTIONS) {
    const step = ex + nx * (ey + ny * ez);
    // Visit cells against the direction, so that p + step is settled before p.
    const [k0, k1, dk] = ez > 0 ? [nz - 1, -1, -1] : [0, nz, 1];
    const [j0, j1, dj] = ey > 0 ? [ny - 1, -1, -1] : [0, ny, 1];
    const [i0, i1, di] = ex > 0 ? [nx - 1, -1, -1] : [0, nx, 1];
    for (let k = k0; k !== k1; k += dk) {
      const kInside = k + ez >= 0 && k + ez < nz;
      for (let j = j0; j !== j1; j += dj) {
        const jkInside = kInside && j + ey >= 0 && j + ey < ny;
        let p = i0 + nx * (j + ny * k);
        for (let i = i0; i !== i1; i += di, p += di) {
          let h: number;
          if (wall[p]) h = 1;
          else if (jkInside && i + ex >= 0 && i + ex < nx) h = hit[p + step]!;
          else h = air[p] ? 0 : 1;
          hit[p] = h;
          if (h === 0) open[p]!++;
        }
      }
    }
  }
  return open;
};

/**
 * The mask grown by its 6 face neighbours (one cell along each axis). A wall one cell thick and
 * sloping across the grid touches its next cell only at an edge or a corner, where a diagonal ray
 * could slip between the two; thickened, it cannot.
 */
export const thicken = (mask: Uint8Array, g: Grid): Uint8Array => {
  const [nx, ny, nz] = g.dims;
  const plane = nx * ny;
  const out = mask.slice();
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (!mask[p]) continue;
        if (i > 0) out[p - 1] = 1;
        if (i < nx - 1) out[p + 1] = 1;
        if (j > 0) out[p - nx] = 1;
        if (j < ny - 1) out[p + nx] = 1;
        if (k > 0) out[p - plane] = 1;
        if (k < nz - 1) out[p + plane] = 1;
      }
  return out;
};
