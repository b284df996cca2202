/**
 * 3-vectors for patient coordinates. The patient coordinate system of PS3.3 C.7.6.2.1.1 is LPS:
 * +x towards the patient's left, +y towards posterior, +z towards the head, in millimetres.
 * Plain tuples: a handful of operations, no library.
 */

/** A point (mm) or a direction in patient coordinates (LPS). */
export type Vec3 = readonly [number, number, number];

/** a + b */
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

/** a − b */
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

/** a · s */
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];

/** a + b · s, the step used everywhere a pixel index becomes a position. */
export const addScaled = (a: Vec3, b: Vec3, s: number): Vec3 => [a[0] + b[0] * s, a[1] + b[1] * s, a[2] + b[2] * s];

/** The dot product. */
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The cross product a × b (right-handed). */
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/** Euclidean length. */
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);

/** The unit vector along a; undefined for a zero (or non-finite) vector. */
export const normalize = (a: Vec3): Vec3 | undefined => {
  const n = norm(a);
  return n > 0 && Number.isFinite(n) ? scale(a, 1 / n) : undefined;
};

/** The angle between two non-zero vectors, in degrees (0–180). */
export const angleDegrees = (a: Vec3, b: Vec3): number => {
  // atan2 of |a×b| and a·b stays accurate for tiny angles, where acos of a dot product does not.
  return (Math.atan2(norm(cross(a, b)), dot(a, b)) * 180) / Math.PI;
};

/** Formats a vector for messages: "(1, 0, 0)" with up to 4 decimals. */
export const formatVec3 = (a: Vec3): string => `(${a.map((x) => formatNumber(x, 4)).join(', ')})`;

/** A number for messages: rounded to `decimals`, no trailing zeros, no "-0". */
export const formatNumber = (x: number, decimals = 1): string => {
  // Trailing zeros go only after a decimal point: 2690 stays 2690, 2.50 becomes 2.5.
  const s = decimals > 0 ? x.toFixed(decimals).replace(/\.?0+$/, '') : x.toFixed(0);
  return s === '-0' ? '0' : s;
};
