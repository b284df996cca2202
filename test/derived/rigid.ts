import { add, dot, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';

/**
 * Rotations and rigid moves of a head in patient space (LPS, mm). A derived case moves the source
 * anatomy by a rigid transform T (p = R(q − c) + c) and samples it on a new slice grid: an output
 * voxel at p shows what the source had at T⁻¹(p), and the source's brain mask moves the same way.
 */

/** A 3×3 matrix by rows. */
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export const IDENTITY: Mat3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** m · v */
export const apply = (m: Mat3, v: Vec3): Vec3 => [dot(m[0], v), dot(m[1], v), dot(m[2], v)];

/** The transpose: the inverse of a rotation. */
export const transpose = (m: Mat3): Mat3 => [
  [m[0][0], m[1][0], m[2][0]],
  [m[0][1], m[1][1], m[2][1]],
  [m[0][2], m[1][2], m[2][2]],
];

/** a · b */
export const multiply = (a: Mat3, b: Mat3): Mat3 => {
  const t = transpose(b);
  return [
    [dot(a[0], t[0]), dot(a[0], t[1]), dot(a[0], t[2])],
    [dot(a[1], t[0]), dot(a[1], t[1]), dot(a[1], t[2])],
    [dot(a[2], t[0]), dot(a[2], t[1]), dot(a[2], t[2])],
  ];
};

/** The inverse of a general 3×3 matrix (the slice axes of a tilted gantry are not orthogonal). */
export const invert = (m: Mat3): Mat3 => {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-12) throw new Error('singular matrix: the axes are not independent');
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
};

/** The rotation about a unit axis by degrees (right hand: counter-clockwise looking down the axis). */
export const rotation = (axis: Vec3, degrees: number): Mat3 => {
  const a = (degrees * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const [x, y, z] = axis;
  const t = 1 - c;
  return [
    [c + x * x * t, x * y * t - z * s, x * z * t + y * s],
    [y * x * t + z * s, c + y * y * t, y * z * t - x * s],
    [z * x * t - y * s, z * y * t + x * s, c + z * z * t],
  ];
};

/**
 * A head's turn in the scanner, in degrees (LPS axes): yaw about superior (+: the nose turns to the
 * patient's left), pitch about left (+: flexion, chin down; −: extension, chin up), roll about
 * anterior (+: the top of the head goes to the patient's right). Applied roll, then pitch, then yaw.
 */
export interface HeadTurn {
  yaw?: number;
  pitch?: number;
  roll?: number;
}

/** The rotation of a head turn. */
export const turnRotation = (t: HeadTurn): Mat3 =>
  multiply(
    rotation([0, 0, 1], t.yaw ?? 0),
    multiply(rotation([1, 0, 0], t.pitch ?? 0), rotation([0, -1, 0], t.roll ?? 0)),
  );

/** A rigid move of the anatomy about a centre: output = R (source − centre) + centre. */
export interface Rigid {
  rotation: Mat3;
  centre: Vec3;
}

/** The anatomy left where it is. */
export const STILL: Rigid = { rotation: IDENTITY, centre: [0, 0, 0] };

/** Where a source point goes. */
export const toOutput = (t: Rigid, q: Vec3): Vec3 => add(apply(t.rotation, sub(q, t.centre)), t.centre);

/** Where an output point came from. */
export const toSource = (t: Rigid, p: Vec3): Vec3 => add(apply(transpose(t.rotation), sub(p, t.centre)), t.centre);

/** `toSource` as a function with the inverse rotation worked out once (it runs per voxel). */
export const sourceMap = (t: Rigid): ((p: Vec3) => Vec3) => {
  const back = transpose(t.rotation);
  return (p) => add(apply(back, sub(p, t.centre)), t.centre);
};

/** Whether the move changes nothing. */
export const isStill = (t: Rigid): boolean =>
  t.rotation.every((row, i) => row.every((x, j) => Math.abs(x - (i === j ? 1 : 0)) < 1e-12));

/** A direction (not a point) moved by the rotation only. */
export const turnDirection = (t: Rigid, v: Vec3): Vec3 => apply(t.rotation, v);
