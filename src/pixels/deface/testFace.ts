import type { Voxels } from './Voxels.ts';

/** A voxel of the face's profile and how far below the nose tip it lies (mm, along the patient's superior). */
export interface ProfilePoint {
  slice: number;
  row: number;
  column: number;
  belowMm: number;
}

/**
 * The facial profile of a head volume, found from the data in patient space (any slice
 * orientation): the nose tip is the most anterior tissue voxel (value above `tissueAbove`) between
 * 60 and 140 mm below the top of the head (the vertex to nose tip is some 100–120 mm; lower, a
 * shoulder or the chest can reach further forward than the nose); then,
 * for every 2 mm level from it down `belowMm`, the most anterior tissue voxel within `halfWidthMm`
 * left or right of the tip: the nose, the lips and the chin as they come. Test helper, independent
 * of the masks and the planes.
 */
export const faceProfile = (v: Voxels, tissueAbove: number, belowMm: number, halfWidthMm = 15): ProfilePoint[] => {
  const [nx, ny, nz] = v.dims;
  const vol = v.volume;
  // LPS: anterior is −y, superior +z, left +x.
  let tip = { slice: 0, row: 0, column: 0, a: Number.NEGATIVE_INFINITY, s: 0, l: 0 };
  const at = (i: number, j: number, k: number) => {
    const o = vol.frames[k]!.imagePositionPatient;
    return [
      o[0] + i * vol.columnStep[0] + j * vol.rowStep[0],
      o[1] + i * vol.columnStep[1] + j * vol.rowStep[1],
      o[2] + i * vol.columnStep[2] + j * vol.rowStep[2],
    ] as const;
  };
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (v.data[i + nx * (j + ny * k)]! > tissueAbove) top = Math.max(top, at(i, j, k)[2]);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!(v.data[i + nx * (j + ny * k)]! > tissueAbove)) continue;
        const p = at(i, j, k);
        if (p[2] < top - 140 || p[2] > top - 60) continue;
        // Ties (a face cut by the field of view's edge) go to the highest: the nose before the lips.
        if (-p[1] > tip.a + 0.01 || (-p[1] > tip.a - 0.01 && p[2] > tip.s))
          tip = { slice: k, row: j, column: i, a: -p[1], s: p[2], l: p[0] };
      }
  const levels = Math.floor(belowMm / 2) + 1;
  const best: (ProfilePoint & { a: number })[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!(v.data[i + nx * (j + ny * k)]! > tissueAbove)) continue;
        const p = at(i, j, k);
        const below = tip.s - p[2];
        if (below < -1 || below > belowMm || Math.abs(p[0] - tip.l) > halfWidthMm) continue;
        const level = Math.min(levels - 1, Math.max(0, Math.round(below / 2)));
        if (!best[level] || -p[1] > best[level]!.a)
          best[level] = { slice: k, row: j, column: i, belowMm: below, a: -p[1] };
      }
  return best.filter((b) => b !== undefined).map(({ a: _, ...point }) => point);
};
