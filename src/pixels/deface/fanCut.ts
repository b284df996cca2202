import { add, dot, normalize, scale, sub, type Vec3 } from '../geometry/vec3.ts';
import { type EarCut, earRunsOfRow } from './ears.ts';
import type { WorkGrid } from './grid.ts';
import type { HeadAxes } from './headAxes.ts';
import { fineOf, type Lattice, type Voxels } from './Voxels.ts';

/**
 * The cut: a fan of planes tangent to the brain mask grown by the margin, and what lies beyond them.
 *
 * Geometry (patient space, mm). Let B be the brain mask's voxel centres and m the margin. For a unit
 * normal n, the plane tangent to B ⊕ ball(m) (B grown by m: the dilated mask) on n's side is
 * p·n = h(n) + m, where h(n) = max over q in B of q·n (the support function; growing a set by a
 * ball adds m to it, so no dilated mask needs to exist). A voxel p is removed when
 *
 *   p·n > h(n) + m for ANY normal n of the fan, AND (p − c)·A > 0,
 *
 * where the fan's normals run from the head's anterior A through its inferior −S to 120° (every 7.5°), each
 * also tilted 15° and 30° to either side, and c is the brain's centroid. The union of half-spaces
 * covers the nose, lips, chin, cheeks and the front of the eyes and jaw: the face is convex-hull
 * outside the brain in those directions, and several planes follow the brain's curve where a single
 * quickshear plane would cut a chord. The second condition keeps it in front of the brain's centre
 * (the back of the neck and the couch under a supine head stay).
 *
 * Why the brain is safe by construction: for q in B and |p − q| ≤ m, p·n ≤ q·n + m ≤ h(n) + m for
 * every n, so no point within the margin of the mask is beyond any plane. The axes only steer
 * where the fan points, never whether the brain is spared, so an error in yaw or pitch costs face
 * coverage, not brain.
 */
export interface FanCut {
  /** The planes: p·normal > offset is beyond. */
  planes: { normal: Vec3; offset: number }[];
  /** Removal is limited to (p − centre)·anterior > 0. */
  centre: Vec3;
  anterior: Vec3;
  marginMm: number;
  /** The ears' cut (`ears.ts`), when the ears are removed too: its runs join the face's. */
  ears?: EarCut;
}

/** Fan angles from anterior (0°) to inferior (90°), and the left-right tilts. */
// To 120°, past inferior: the long axis of the intracranial space (front-high to back-low) is
// pitched up some 20–30° from the face's forward direction, and a wider fan costs nothing safe.
const FAN_DEGREES = Array.from({ length: 17 }, (_, i) => i * 7.5);
const TILT_DEGREES = [-30, -15, 0, 15, 30];

/** Rounding slack (mm): the comparisons stay strict even after float rounding. */
const SLACK_MM = 1e-6;

/** Builds the fan for a brain mask (on the working grid) and a margin. */
export const fanCut = (v: Voxels, w: WorkGrid, brain: Uint8Array, axes: HeadAxes, marginMm: number): FanCut => {
  const normals: Vec3[] = [];
  const rad = Math.PI / 180;
  for (const t of FAN_DEGREES)
    for (const s of TILT_DEGREES) {
      const sagittal = add(scale(axes.anterior, Math.cos(t * rad)), scale(axes.superior, -Math.sin(t * rad)));
      normals.push(normalize(add(scale(sagittal, Math.cos(s * rad)), scale(axes.left, Math.sin(s * rad))))!);
    }
  // MR only: its mask is an intensity band eroded to part the brain from the face, and the erosion
  // can eat a lobe from inside through dark sulci (below). The CT mask is soft tissue enclosed by
  // bone on every side, with no such loss measured; mirroring it only moved the planes by natural
  // asymmetry (up to 6 mm on the cadaver), which cost face and left the face check on the edge.
  const h = v.modality === 'MR' ? mirroredSupports(v, w, brain, axes, normals) : supports(v, w, brain, normals);
  return {
    planes: normals.map((normal, i) => ({ normal, offset: h[i]! + marginMm + SLACK_MM })),
    centre: axes.centre,
    anterior: axes.anterior,
    marginMm,
  };
};

/**
 * The support function h(n) for each normal over the brain's voxel centres at full resolution: the
 * series' own voxels (`fineOf`: also when `v` is a reduced copy, so the planes keep their margin
 * from every voxel of a brain cell, not from the copy's block centres); a voxel is brain when its
 * cell is. Along a row p·n is linear in the column, so the row's first and last brain voxels attain
 * it: two points per row, not every voxel.
 */
export const supports = (v: Voxels, w: WorkGrid, brain: Uint8Array, normals: Vec3[]): Float64Array => {
  const h = new Float64Array(normals.length).fill(Number.NEGATIVE_INFINITY);
  const fine = fineOf(v);
  const [nx, ny, nz] = fine.dims;
  const [fx, fy, fz] = cellFactors(v, w);
  const [wx, wy] = w.dims;
  const vol = fine.volume;
  for (let k = 0; k < nz; k++) {
    const origin = vol.frames[k]!.imagePositionPatient;
    for (let j = 0; j < ny; j++) {
      const base = (Math.floor(k / fz) * wy + Math.floor(j / fy)) * wx;
      let first = -1;
      let last = -1;
      for (let i = 0; i < wx; i++)
        if (brain[base + i]) {
          if (first < 0) first = i;
          last = i;
        }
      if (first < 0) continue;
      const c0 = first * fx;
      const c1 = Math.min(nx - 1, last * fx + fx - 1);
      const rowStart = add(origin, scale(vol.rowStep, j));
      const a = add(rowStart, scale(vol.columnStep, c0));
      const b = add(rowStart, scale(vol.columnStep, c1));
      normals.forEach((n, i) => {
        const s = Math.max(dot(a, n), dot(b, n));
        if (s > h[i]!) h[i] = s;
      });
    }
  }
  return h;
};

/**
 * The series' own voxels per working-grid cell along column, row and slice: the grid's blocks of
 * `v`'s voxels, each of which is a block of the series' own when `v` is a reduced copy.
 */
export const cellFactors = (v: Voxels, w: WorkGrid): [number, number, number] => {
  const f = fineOf(v).factors;
  return [f[0] * w.factors[0], f[1] * w.factors[1], f[2] * w.factors[2]];
};

/**
 * The support function of the brain mask together with its mirror image across the head's
 * mid-sagittal plane (through the centroid c, square to the head's left L). Why: a brain is nearly
 * symmetric, and a mask that lost a piece on one side keeps it on the other. Measured on Colin27
 * resliced coronally, the MR mask lost its left inferior temporal lobe (its dark sulci and
 * temporal horn let the erosion eat it from inside) and the fan cut came within 1.7 mm of its
 * brain extraction; the right lobe, mirrored, puts it at 9.5 mm. The price is a few mm of face
 * where a head is asymmetric; the brain only gains. No mirrored mask is built: mirroring x to
 * R(x) = x − 2((x − c)·L)L gives h_R(n) = h(m) + c·(n − m) with m = n − 2(n·L)L.
 */
export const mirroredSupports = (
  v: Voxels,
  w: WorkGrid,
  brain: Uint8Array,
  axes: Pick<HeadAxes, 'centre' | 'left'>,
  normals: Vec3[],
): Float64Array => {
  const mirrored = normals.map((n) => sub(n, scale(axes.left, 2 * dot(n, axes.left))));
  const h = supports(v, w, brain, [...normals, ...mirrored]);
  return Float64Array.from(normals, (n, i) =>
    Math.max(h[i]!, h[normals.length + i]! + dot(axes.centre, sub(n, mirrored[i]!))),
  );
};

/**
 * Calls `run(slice, row, from, to)` for every run of removed voxels (columns from…to inclusive),
 * in column order, disjoint. Each plane and the centre condition are linear along a row, so each
 * removes a half-line of columns: the union of the face planes' half-lines is [0, H] ∪ [L, end],
 * at most two runs; the ears add at most two per side (`earRunsOfRow`), merged with them here so
 * that measuring, the margin recheck and the fill all see one region, each voxel once. Geometry
 * only: any lattice (a reduced copy's, or the series' own) is cut by the same planes.
 */
export const forEachRemovedRun = (
  lattice: Lattice,
  cut: FanCut,
  run: (slice: number, row: number, from: number, to: number) => void,
): void => {
  const ofSlice = removedRunsOfSlice(lattice, cut);
  for (let k = 0; k < lattice.dims[2]; k++) ofSlice(k, run);
};

/**
 * `forEachRemovedRun` one slice at a time, for writing the cut into each file as it is read:
 * the returned function calls `run` for the removed runs of slice `k` only.
 */
export const removedRunsOfSlice = (
  lattice: Lattice,
  cut: FanCut,
): ((k: number, run: (slice: number, row: number, from: number, to: number) => void) => void) => {
  const [nx, ny] = lattice.dims;
  const vol = lattice.volume;
  const colStep = vol.columnStep;
  const bs = cut.planes.map((p) => dot(colStep, p.normal));
  const aStep = dot(colStep, cut.anterior);
  const centreA = dot(cut.centre, cut.anterior);
  // This row's runs, as (from, to) pairs: two of the face's and four of the ears' at most.
  const spans = new Int32Array(12);
  let count = 0;
  const push = (from: number, to: number) => {
    spans[2 * count] = from;
    spans[2 * count + 1] = to;
    count++;
  };
  return (k, run) => {
    const origin = vol.frames[k]!.imagePositionPatient;
    for (let j = 0; j < ny; j++) {
      const p0 = add(origin, scale(vol.rowStep, j));
      count = 0;
      faceRuns(p0, cut, bs, aStep, centreA, nx, push);
      if (cut.ears) earRunsOfRow(cut.ears, p0, colStep, nx, push);
      if (count === 0) continue;
      if (count > 1) sortPairs(spans, count);
      let from = spans[0]!;
      let to = spans[1]!;
      for (let r = 1; r < count; r++) {
        const f = spans[2 * r]!;
        const t = spans[2 * r + 1]!;
        if (f <= to + 1) to = Math.max(to, t);
        else {
          run(k, j, from, to);
          from = f;
          to = t;
        }
      }
      run(k, j, from, to);
    }
  };
};

/** The face's runs of one row (first voxel at p0): beyond any plane and in front of the centre. */
const faceRuns = (
  p0: Vec3,
  cut: FanCut,
  bs: number[],
  aStep: number,
  centreA: number,
  nx: number,
  push: (from: number, to: number) => void,
): void => {
  let upTo = -1; // columns 0…upTo removed
  let from = nx; // columns from…nx−1 removed
  cut.planes.forEach((plane, i) => {
    const a = dot(p0, plane.normal) - plane.offset; // beyond: a + b·c > 0
    const b = bs[i]!;
    if (b > 0) from = Math.min(from, Math.max(0, Math.floor(-a / b) + 1));
    else if (b < 0) upTo = Math.max(upTo, Math.min(nx - 1, Math.ceil(-a / b) - 1));
    else if (a > 0) upTo = nx - 1;
  });
  if (upTo < 0 && from >= nx) return;
  // In front of the centre: (p0 − centre)·A + c·aStep > 0.
  const a0 = dot(p0, cut.anterior) - centreA;
  let lo = 0;
  let hi = nx - 1;
  if (aStep > 0) lo = Math.max(0, Math.floor(-a0 / aStep) + 1);
  else if (aStep < 0) hi = Math.min(nx - 1, Math.ceil(-a0 / aStep) - 1);
  else if (a0 <= 0) return;
  if (upTo >= from - 1) {
    if (lo <= hi) push(lo, hi);
    return;
  }
  if (upTo >= 0 && Math.min(upTo, hi) >= lo) push(lo, Math.min(upTo, hi));
  if (from < nx && hi >= Math.max(from, lo)) push(Math.max(from, lo), hi);
};

/** Sorts the first `count` (from, to) pairs by `from` (insertion sort: six pairs at most). */
const sortPairs = (spans: Int32Array, count: number): void => {
  for (let i = 1; i < count; i++) {
    const f = spans[2 * i]!;
    const t = spans[2 * i + 1]!;
    let j = i - 1;
    while (j >= 0 && spans[2 * j]! > f) {
      spans[2 * j + 2] = spans[2 * j]!;
      spans[2 * j + 3] = spans[2 * j + 1]!;
      j--;
    }
    spans[2 * j + 2] = f;
    spans[2 * j + 3] = t;
  }
};
