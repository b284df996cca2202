import { add, dot, normalize, scale, type Vec3 } from '../geometry/vec3.ts';
import type { HeadAxes } from './headAxes.ts';

/**
 * The ear cut: on each side, a fan of lateral planes tangent to the brain mask grown by the
 * margin (as the face's fan, `fanCut.ts`), limited to the band of the head where the external ear
 * (pinna) stands out, and to what lies lateral of the brain's widest point.
 *
 * Geometry (patient space, mm; c the brain's centroid, A, L, S the head's anterior, left,
 * superior from `headAxes`). For side σ (+1 left, −1 right), a voxel p is removed when
 *
 *   p·n > h(n) + m for ANY normal n of the side's fan,      (beyond the margin: the brain is safe)
 *   p·σL > h(σL),                                          (lateral of the brain's widest point)
 *   a = (p − c)·A in [−65, 10] mm and s = (p − c)·S in [−100, −15] mm.   (the band of the ear)
 *
 * The normals run from σL toward inferior by 0°–45° and toward anterior and posterior by up to
 * 30°: the temporal lobes are widest above the ear canal and narrow below it, so the tilted planes
 * reach in further where the brain is further away (the lobule and the concha), the level one
 * where the temporal lobe is near (the helix's upper rim). h(n) is the support function of the
 * mask (see `fanCut.ts`), so for q in the mask and |p − q| ≤ m, p·n ≤ h(n) + m: no point within
 * the margin is ever beyond a plane. The band and the lateral floor only narrow the removal; an
 * error in them costs ear coverage or a little scalp, never brain.
 *
 * The band, measured (head frame, from the brain's centroid): the pinnae lay at a = −45…0,
 * s = −85…−20 on the UNC CT (its intracranial centroid; the frame is pitched 30° with the
 * brain's long axis), a = −45…−10, s = −85…−25 on the sagittal T1, a = −50…−15, s = −75…−30 on
 * Colin27 (where the 181 mm box cuts the ears' rims). The band adds 10–20 mm around them.
 * The floor keeps the removal to what stands out of the head: below the temporal lobes the tilted
 * planes would otherwise reach 10–15 mm into the scalp, muscle and mastoid under the whole band.
 */
export interface EarCut {
  /** One per side (left then right). */
  sides: EarSide[];
  /** The band is measured from here along `anterior` and `superior`. */
  centre: Vec3;
  anterior: Vec3;
  superior: Vec3;
  /** Band limits, mm from the centre: anterior [min, max], superior [min, max]. */
  band: { anterior: readonly [number, number]; superior: readonly [number, number] };
  marginMm: number;
}

/** One side's fan and floor. */
export interface EarSide {
  side: 'left' | 'right';
  /** p·normal > offset is beyond. */
  planes: { normal: Vec3; offset: number }[];
  /** Removal is limited to p·floor.normal > floor.offset: lateral of the brain's widest point. */
  floor: { normal: Vec3; offset: number };
}

/** Band of the ears, mm from the brain's centroid in the head frame (see `EarCut`). */
export const EAR_BAND = { anterior: [-65, 10], superior: [-100, -15] } as const;

/** Tilts of the lateral normals toward inferior, and toward anterior (+) or posterior (−), degrees. */
const INFERIOR_DEGREES = [0, 15, 30, 45];
const SAGITTAL_DEGREES = [-30, -15, 0, 15, 30];

/** Rounding slack (mm), as in the face's fan: the comparisons stay strict after float rounding. */
const SLACK_MM = 1e-6;

/**
 * Builds the ear cut at a margin from the head's axes and the brain mask's support function
 * (`supports` of `fanCut.ts`: h(n) for each normal).
 */
export const earCut = (axes: HeadAxes, marginMm: number, support: (normals: Vec3[]) => Float64Array): EarCut => {
  const rad = Math.PI / 180;
  const sides = (['left', 'right'] as const).map((side) => {
    const lateral = side === 'left' ? axes.left : scale(axes.left, -1);
    const normals: Vec3[] = [lateral];
    for (const t of INFERIOR_DEGREES)
      for (const u of SAGITTAL_DEGREES) {
        const level = add(scale(lateral, Math.cos(u * rad)), scale(axes.anterior, Math.sin(u * rad)));
        normals.push(normalize(add(scale(level, Math.cos(t * rad)), scale(axes.superior, -Math.sin(t * rad))))!);
      }
    const h = support(normals);
    return {
      side,
      // The first normal is the floor's (pure lateral, no margin); the fan includes it again with the margin.
      floor: { normal: lateral, offset: h[0]! },
      planes: normals.slice(1).map((normal, i) => ({ normal, offset: h[i + 1]! + marginMm + SLACK_MM })),
    };
  });
  return { sides, centre: axes.centre, anterior: axes.anterior, superior: axes.superior, band: EAR_BAND, marginMm };
};

/** A closed interval of columns, or undefined when empty. */
type Span = [number, number] | undefined;

/**
 * The columns of a row where `a + b·c > 0` (a strict half-line), clipped to 0…nx − 1: the solution
 * of one linear inequality along a row.
 */
export const halfLine = (a: number, b: number, nx: number): Span => {
  if (b > 0) {
    const from = Math.max(0, Math.floor(-a / b) + 1);
    return from <= nx - 1 ? [from, nx - 1] : undefined;
  }
  if (b < 0) {
    const to = Math.min(nx - 1, Math.ceil(-a / b) - 1);
    return to >= 0 ? [0, to] : undefined;
  }
  return a > 0 ? [0, nx - 1] : undefined;
};

const meet = (x: Span, y: Span): Span => {
  if (!x || !y) return undefined;
  const lo = Math.max(x[0], y[0]);
  const hi = Math.min(x[1], y[1]);
  return lo <= hi ? [lo, hi] : undefined;
};

/**
 * Calls `run(from, to)` for the runs of a row that the ear cut removes (at most two per side,
 * unsorted, possibly overlapping across sides: the caller merges). `p0` is the row's first voxel
 * in patient space and `step` the column step, mm.
 */
export const earRunsOfRow = (
  ears: EarCut,
  p0: Vec3,
  step: Vec3,
  nx: number,
  run: (from: number, to: number) => void,
) => {
  // The band: four linear conditions, an interval of the row.
  const a0 = dot(p0, ears.anterior) - dot(ears.centre, ears.anterior);
  const aStep = dot(step, ears.anterior);
  const s0 = dot(p0, ears.superior) - dot(ears.centre, ears.superior);
  const sStep = dot(step, ears.superior);
  const { anterior: ab, superior: sb } = ears.band;
  let band = meet(halfLine(a0 - ab[0], aStep, nx), halfLine(ab[1] - a0, -aStep, nx));
  band = meet(band, meet(halfLine(s0 - sb[0], sStep, nx), halfLine(sb[1] - s0, -sStep, nx)));
  if (!band) return;
  for (const side of ears.sides) {
    const within = meet(
      band,
      halfLine(dot(p0, side.floor.normal) - side.floor.offset, dot(step, side.floor.normal), nx),
    );
    if (!within) continue;
    // The union of the planes' half-lines: [0, upTo] ∪ [from, nx − 1].
    let upTo = -1;
    let from = nx;
    for (const plane of side.planes) {
      const span = halfLine(dot(p0, plane.normal) - plane.offset, dot(step, plane.normal), nx);
      if (!span) continue;
      if (span[0] === 0) upTo = Math.max(upTo, span[1]);
      if (span[1] === nx - 1) from = Math.min(from, span[0]);
    }
    if (upTo >= from - 1) {
      run(within[0], within[1]);
      continue;
    }
    const low = meet(within, upTo >= 0 ? [0, upTo] : undefined);
    const high = meet(within, from < nx ? [from, nx - 1] : undefined);
    if (low) run(low[0], low[1]);
    if (high) run(high[0], high[1]);
  }
};
