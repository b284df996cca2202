import type { FrameGeometry } from './FrameGeometry.ts';
import { type Plane, planeOf } from './orientation.ts';
import { addScaled, angleDegrees, dot, formatNumber, norm, normalize, scale, sub, type Vec3 } from './vec3.ts';

/**
 * Surveys a set of frames as a stack: which orientations they have, their order along the slice
 * normal, duplicated positions, irregular gaps and gantry tilt. A survey never fails; whether the
 * frames make a volume is decided from it by `assembleVolume`.
 */

/** Frames whose row and column directions differ by less than this (degrees) share one orientation. */
export const SAME_ORIENTATION_DEGREES = 0.5;

/** Slice positions closer than this (mm, along the normal) are the same position. */
export const SAME_POSITION_MM = 0.01;

/**
 * A gap is irregular when it differs from the usual spacing by more than this fraction of it, or
 * 0.1 mm, whichever is more: positions are often written rounded to 0.1 mm.
 */
export const GAP_TOLERANCE = { fraction: 0.1, mm: 0.1 + 1e-6 } as const;

/** Frames sharing one orientation. */
export interface OrientationGroup {
  rowCosines: Vec3;
  columnCosines: Vec3;
  normal: Vec3;
  plane: Plane;
  /** Indexes into the frames surveyed. */
  frames: number[];
}

/**
 * Groups frames by ImageOrientationPatient, largest group first (first seen first on a tie).
 * One series with two groups is a localizer among axials, or several stacks: not one volume.
 */
export const groupByOrientation = (frames: readonly FrameGeometry[]): OrientationGroup[] => {
  const groups: OrientationGroup[] = [];
  frames.forEach((f, i) => {
    const same = groups.find(
      (g) =>
        angleDegrees(g.rowCosines, f.rowCosines) < SAME_ORIENTATION_DEGREES &&
        angleDegrees(g.columnCosines, f.columnCosines) < SAME_ORIENTATION_DEGREES,
    );
    if (same) same.frames.push(i);
    else
      groups.push({
        rowCosines: f.rowCosines,
        columnCosines: f.columnCosines,
        normal: f.normal,
        plane: planeOf(f.normal),
        frames: [i],
      });
  });
  return groups.sort((a, b) => b.frames.length - a.frames.length);
};

/** Several frames at one position along the normal. */
export interface DuplicatePosition {
  /** The position along the normal (mm), as `Stack.positions`. */
  position: number;
  /** Indexes into the frames surveyed. */
  frames: number[];
}

/** A gap between neighbouring slice positions that differs from the usual spacing. */
export interface SliceGap {
  /** Positions (mm along the normal) of the slices on either side. */
  from: number;
  to: number;
  /** to − from, mm. */
  gap: number;
  /** The usual spacing, mm. */
  expected: number;
  /** Slices missing, when the gap is about a whole number of usual spacings (0 for a gap that is only uneven). */
  missingSlices: number;
}

/** Frames of one orientation, ordered along their normal. */
export interface Stack {
  /** Indexes into the frames surveyed, ordered by position along the normal, ascending. */
  order: number[];
  /**
   * Each ordered frame's position along the normal: ImagePositionPatient · normal, mm. With the
   * normal rowCosines × columnCosines, ascending order makes (column, row, slice) a right-handed grid.
   */
  positions: number[];
  duplicates: DuplicatePosition[];
  /** Number of different positions (the slice count once duplicates are counted once). */
  distinctPositions: number;
  /** The usual distance between neighbouring planes, along the normal: the median gap, mm (0 for one position). */
  sliceSpacing: number;
  /** From the first plane to the last, along the normal, mm (centre to centre). */
  extent: number;
  gaps: SliceGap[];
  /**
   * Unit direction in which ImagePositionPatient advances from slice to slice (a line fitted to
   * all positions). The normal itself, unless the gantry was tilted.
   */
  stackDirection: Vec3;
  /** Angle between the slice normal and `stackDirection`, degrees: the gantry tilt. */
  gantryTiltDegrees: number;
}

/** Orders frames that share one orientation along its normal and measures the stack. */
export const stackOf = (frames: readonly FrameGeometry[], indexes: readonly number[], normal: Vec3): Stack => {
  const at = indexes.map((i) => ({ i, t: dot(frames[i]!.imagePositionPatient, normal) }));
  at.sort((a, b) => a.t - b.t || a.i - b.i);
  const order = at.map((a) => a.i);
  const positions = at.map((a) => a.t);

  // Runs of equal positions: duplicates, and the distinct positions between which gaps are measured.
  const distinct: number[] = [];
  const duplicates: DuplicatePosition[] = [];
  for (let k = 0; k < at.length; ) {
    let end = k + 1;
    while (end < at.length && at[end]!.t - at[k]!.t < SAME_POSITION_MM) end++;
    distinct.push(at[k]!.t);
    if (end - k > 1) duplicates.push({ position: at[k]!.t, frames: order.slice(k, end) });
    k = end;
  }
  const steps = distinct.slice(1).map((t, k) => t - distinct[k]!);
  const sliceSpacing = median(steps);
  const tolerance = Math.max(GAP_TOLERANCE.mm, GAP_TOLERANCE.fraction * sliceSpacing);
  const gaps: SliceGap[] = [];
  steps.forEach((gap, k) => {
    if (Math.abs(gap - sliceSpacing) <= tolerance) return;
    // A gap of about m spacings is m − 1 missing slices; any other is only uneven.
    const m = Math.round(gap / sliceSpacing);
    const missingSlices = m >= 2 && Math.abs(gap - m * sliceSpacing) <= tolerance ? m - 1 : 0;
    gaps.push({ from: distinct[k]!, to: distinct[k + 1]!, gap, expected: sliceSpacing, missingSlices });
  });

  const { stackDirection, gantryTiltDegrees } = tiltOf(
    order.map((i) => frames[i]!.imagePositionPatient),
    positions,
    normal,
  );
  return {
    order,
    positions,
    duplicates,
    distinctPositions: distinct.length,
    sliceSpacing,
    extent: (positions.at(-1) ?? 0) - (positions[0] ?? 0),
    gaps,
    stackDirection,
    gantryTiltDegrees,
  };
};

/**
 * The direction slice positions advance in, from a least-squares line through all of them against
 * their position along the normal: p(t) = a + b·t. b has normal component 1 by construction; its
 * in-plane rest is the shear a tilted gantry adds: the table moves along z while the planes are
 * tilted, so each ImagePositionPatient (PS3.3 C.7.6.2.1.1) drifts in-plane from the one before.
 * A fit uses every position, so irregular gaps do not bias it.
 */
const tiltOf = (origins: Vec3[], t: number[], normal: Vec3): { stackDirection: Vec3; gantryTiltDegrees: number } => {
  const n = origins.length;
  const tMean = t.reduce((s, x) => s + x, 0) / (n || 1);
  const pMean = scale(
    origins.reduce<Vec3>((s, p) => addScaled(s, p, 1), [0, 0, 0]),
    1 / (n || 1),
  );
  let tt = 0;
  let b: Vec3 = [0, 0, 0];
  origins.forEach((p, k) => {
    const dt = t[k]! - tMean;
    tt += dt * dt;
    b = addScaled(b, sub(p, pMean), dt);
  });
  if (tt < SAME_POSITION_MM ** 2) return { stackDirection: normal, gantryTiltDegrees: 0 };
  b = scale(b, 1 / tt);
  const shear = norm(sub(b, normal));
  return { stackDirection: normalize(b) ?? normal, gantryTiltDegrees: (Math.atan(shear) * 180) / Math.PI };
};

/** Everything the frames say about whether they make one volume. */
export interface StackSurvey {
  /** Frames surveyed. */
  sliceCount: number;
  orientations: OrientationGroup[];
  /** Distinct FrameOfReferenceUID values ('' for absent). */
  framesOfReference: string[];
  /** Distinct matrix sizes, "columns×rows". */
  sizes: string[];
  /** Distinct PixelSpacing values as written in messages, "row\column" mm. */
  pixelSpacings: string[];
  /** The stack of the largest orientation group (all frames, when there is one orientation). */
  stack: Stack | undefined;
}

/** Surveys frames (usually one series) as a stack. */
export const surveyStack = (frames: readonly FrameGeometry[]): StackSurvey => {
  const orientations = groupByOrientation(frames);
  const main = orientations[0];
  return {
    sliceCount: frames.length,
    orientations,
    framesOfReference: distinctValues(frames.map((f) => f.frameOfReferenceUID)),
    sizes: distinctValues(frames.map((f) => `${f.columns}×${f.rows}`)),
    pixelSpacings: distinctValues(frames.map((f) => f.pixelSpacing.map((s) => formatNumber(s, 4)).join('\\'))),
    stack: main ? stackOf(frames, main.frames, main.normal) : undefined,
  };
};

const distinctValues = (xs: string[]): string[] => [...new Set(xs)];

const median = (xs: number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
