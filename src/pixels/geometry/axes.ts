import { describeDirection, orientationLetters, PATIENT_DIRECTIONS, type PatientDirection } from './orientation.ts';
import type { Volume } from './Volume.ts';
import { cross, dot, scale, type Vec3 } from './vec3.ts';

/**
 * A volume's voxel axes in patient terms: which way each index grows in LPS, and which index grows
 * towards anterior, superior or left. Read from ImageOrientationPatient and the stack direction
 * only, so it holds for any slice orientation (axial, coronal, sagittal, oblique) and any
 * PatientPosition (HFS, HFP, FFS, HFDL, HFDR change ImageOrientationPatient, not the meaning of LPS).
 */

/** The three voxel index axes, in (column, row, slice) order. */
export type VoxelAxis = 'column' | 'row' | 'slice';
export const VOXEL_AXES: readonly VoxelAxis[] = ['column', 'row', 'slice'];

/** One voxel axis: the LPS direction in which its index grows. */
export interface AxisDirection {
  axis: VoxelAxis;
  /** 0, 1, 2 for column, row, slice. */
  index: 0 | 1 | 2;
  /** Unit LPS direction of growing index. */
  direction: Vec3;
  /** Mean LPS step (mm) for one index: the pixel spacing, or the slice-to-slice origin advance. */
  step: Vec3;
  /** In Patient Orientation letters (PS3.3 C.7.6.1.1.1): "L", "P", "AF"… */
  letters: string;
  /** In words: "left", "anterior-inferior"… */
  words: string;
}

/**
 * The LPS direction of each voxel axis: column → rowCosines, row → columnCosines (PS3.3
 * C.7.6.2.1.1: the column index runs along a row), slice → the stack direction, which a tilted
 * gantry turns away from the normal.
 */
export const voxelAxes = (v: Volume): [AxisDirection, AxisDirection, AxisDirection] => {
  // The mean origin advance per slice: the spacing along the normal, stretched by the tilt.
  const sliceStep = scale(v.stackDirection, v.sliceSpacing / dot(v.stackDirection, v.normal));
  const axis = (index: 0 | 1 | 2, direction: Vec3, step: Vec3): AxisDirection => ({
    axis: VOXEL_AXES[index]!,
    index,
    direction,
    step,
    letters: orientationLetters(direction),
    words: describeDirection(direction),
  });
  return [
    axis(0, v.rowCosines, v.columnStep),
    axis(1, v.columnCosines, v.rowStep),
    axis(2, v.stackDirection, sliceStep),
  ];
};

/** Which voxel axis points (most nearly) towards a patient direction, and which way along it. */
export interface AxisToward {
  axis: VoxelAxis;
  index: 0 | 1 | 2;
  /** +1: the index grows towards the direction; −1: it shrinks towards it. */
  sign: 1 | -1;
  /** Cosine of the angle between the axis (signed) and the direction: 1 when aligned, less when oblique. */
  cosine: number;
}

/** The voxel axis most nearly along a patient direction ("which index runs anterior?"). */
export const axisToward = (v: Volume, toward: PatientDirection): AxisToward => {
  const d = PATIENT_DIRECTIONS[toward];
  const best = voxelAxes(v)
    .map((a) => ({ a, c: dot(a.direction, d) }))
    .reduce((x, y) => (Math.abs(y.c) > Math.abs(x.c) ? y : x));
  return { axis: best.a.axis, index: best.a.index, sign: best.c < 0 ? -1 : 1, cosine: Math.abs(best.c) };
};

/**
 * Which voxel axis runs left, anterior and superior, each a different axis: of the six ways to
 * pair the axes with the three patient axes, the one best aligned. For a strongly oblique volume
 * `axisToward` alone could name one axis twice.
 */
export const patientAxes = (v: Volume): { left: AxisToward; anterior: AxisToward; superior: AxisToward } => {
  const axes = voxelAxes(v);
  const want = ['left', 'anterior', 'superior'] as const;
  const perms: [number, number, number][] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const cos = (axisIndex: number, w: number) => dot(axes[axisIndex]!.direction, PATIENT_DIRECTIONS[want[w]!]);
  const score = (p: number[]) => p.reduce((s, a, w) => s + Math.abs(cos(a, w)), 0);
  const best = perms.reduce((x, y) => (score(y) > score(x) ? y : x));
  const toward = (w: number): AxisToward => {
    const a = axes[best[w]!]!;
    const c = cos(a.index, w);
    return { axis: a.axis, index: a.index, sign: c < 0 ? -1 : 1, cosine: Math.abs(c) };
  };
  return { left: toward(0), anterior: toward(1), superior: toward(2) };
};

/**
 * A patient-space vector (LPS, mm) in voxel index units (columns, rows, slices), through the
 * volume's mean steps: "10 mm anterior-inferior" as index offsets, for a plane or a margin in
 * voxel terms. Exact in-plane; across slices it uses the usual spacing, so near an irregular gap
 * map points with `patientToVoxel` instead.
 */
export const patientToVoxelVector = (v: Volume, lps: Vec3): Vec3 => {
  const [a, b, c] = voxelAxes(v).map((x) => x.step) as [Vec3, Vec3, Vec3];
  // Solve [a b c]·x = lps by Cramer's rule: the steps are not orthogonal under gantry tilt.
  const det = dot(a, cross(b, c));
  return [dot(lps, cross(b, c)) / det, dot(a, cross(lps, c)) / det, dot(a, cross(b, lps)) / det];
};
