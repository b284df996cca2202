import { angleDegrees, type Vec3 } from './vec3.ts';

/**
 * Patient directions in words and letters. LPS (PS3.3 C.7.6.2.1.1) fixes the axes to the patient,
 * not the scanner: PatientPosition (HFS, HFP, FFS, HFDL, HFDR…) only changes which LPS direction
 * the image rows and columns point to, which ImageOrientationPatient already says. So nothing
 * here, or in the code that uses it, reads PatientPosition.
 */

/** The six anatomical directions. */
export type PatientDirection = 'left' | 'right' | 'anterior' | 'posterior' | 'superior' | 'inferior';

/** Each direction as a unit vector in LPS. */
export const PATIENT_DIRECTIONS: Readonly<Record<PatientDirection, Vec3>> = {
  left: [1, 0, 0],
  right: [-1, 0, 0],
  anterior: [0, -1, 0],
  posterior: [0, 1, 0],
  superior: [0, 0, 1],
  inferior: [0, 0, -1],
};

/** The slice planes, named by the patient axis nearest the slice normal. */
export type PlaneName = 'axial' | 'coronal' | 'sagittal';

/** A slice plane: its nearest standard plane, and how far the normal is off that plane's axis. */
export interface Plane {
  name: PlaneName;
  /** Angle between the normal and the nearest patient axis, degrees (0 for a true axial, coronal or sagittal). */
  obliqueDegrees: number;
}

/** Planes tilted by less than this are named without "oblique": header rounding, not a choice. */
const OBLIQUE_DEGREES = 1;

/** Which standard plane a slice normal is nearest: x → sagittal, y → coronal, z → axial. */
export const planeOf = (normal: Vec3): Plane => {
  const a = normal.map(Math.abs);
  const i = a[0]! >= a[1]! && a[0]! >= a[2]! ? 0 : a[1]! >= a[2]! ? 1 : 2;
  const axis: Vec3 = [i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0];
  const angle = angleDegrees(normal, axis);
  return { name: (['sagittal', 'coronal', 'axial'] as const)[i], obliqueDegrees: Math.min(angle, 180 - angle) };
};

/** A plane in words: "axial", "oblique sagittal". */
export const describePlane = (p: Plane): string => (p.obliqueDegrees >= OBLIQUE_DEGREES ? `oblique ${p.name}` : p.name);

/**
 * Components smaller than this (about 15° off the direction's own axis) are left out of words and
 * letters: "anterior" rather than "anterior-inferior" for a direction 5° below anterior.
 */
const MINOR_COMPONENT = 0.25;

/** The direction's components as (direction, cosine) pairs, largest first, minor ones left out. */
const components = (v: Vec3): [PatientDirection, number][] => {
  const named: [PatientDirection, number][] = [
    [v[0] >= 0 ? 'left' : 'right', Math.abs(v[0])],
    [v[1] >= 0 ? 'posterior' : 'anterior', Math.abs(v[1])],
    [v[2] >= 0 ? 'superior' : 'inferior', Math.abs(v[2])],
  ];
  const length = Math.hypot(...v) || 1;
  return named.filter(([, c]) => c / length >= MINOR_COMPONENT).sort((a, b) => b[1] - a[1]);
};

/** A direction in words, dominant first: "anterior", "anterior-inferior", "left-posterior-superior". */
export const describeDirection = (v: Vec3): string =>
  components(v)
    .map(([d]) => d)
    .join('-');

const LETTER: Readonly<Record<PatientDirection, string>> = {
  left: 'L',
  right: 'R',
  anterior: 'A',
  posterior: 'P',
  superior: 'H',
  inferior: 'F',
};

/**
 * A direction in the letters of Patient Orientation (0020,0020), PS3.3 C.7.6.1.1.1: L/R, A/P and
 * H/F (head, foot), the dominant first for an oblique direction ("AF").
 */
export const orientationLetters = (v: Vec3): string =>
  components(v)
    .map(([d]) => LETTER[d])
    .join('');
