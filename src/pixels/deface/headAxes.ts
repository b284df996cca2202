import { PATIENT_DIRECTIONS } from '../geometry/orientation.ts';
import { voxelToPatient } from '../geometry/Volume.ts';
import { add, angleDegrees, cross, dot, normalize, scale, sub, type Vec3 } from '../geometry/vec3.ts';
import type { WorkGrid } from './grid.ts';
import type { Voxels } from './Voxels.ts';

/**
 * The head's own axes in patient space (LPS), from the data: a head tilted in the scanner (yaw,
 * pitch) has its face where its own anterior points, not where the header's does.
 */
export interface HeadAxes {
  /** The brain's centroid, mm, LPS. */
  centre: Vec3;
  /** Unit vectors: the head's anterior, left and superior (a right-handed frame: superior = anterior × left). */
  anterior: Vec3;
  left: Vec3;
  superior: Vec3;
  /** How far the head's anterior is from the patient's (LPS −y), degrees. */
  tiltDegrees: number;
  /** Whether the brain's long axis was used (else the header's anterior, with the reason). */
  fromData: boolean;
}

/**
 * How far above the header's anterior, toward its superior, the long axis of a head facing that
 * anterior points (degrees): the intracranial space is longest from the frontal pole (high) to the
 * occiput over the posterior fossa (low). Measured on the heads as scanned: 13.5° (Colin27), 18°
 * (the sagittal T1), 27.6° (the cadaver CT).
 */
const NEUTRAL_PITCH_DEGREES = 20;

/** The mask cell's centre in patient space: the mean of its block of voxels. */
export const cellToPatient = (v: Voxels, w: WorkGrid, i: number, j: number, k: number): Vec3 => {
  const [fx, fy, fz] = w.factors;
  const last = v.dims.map((d) => d - 1);
  return voxelToPatient(
    v.volume,
    Math.min(i * fx + (fx - 1) / 2, last[0]!),
    Math.min(j * fy + (fy - 1) / 2, last[1]!),
    Math.min(k * fz + (fz - 1) / 2, last[2]!),
  );
};

/**
 * Head axes from the brain mask: its centroid, and its longest principal axis as anterior (a
 * brain is about 170 mm front to back, 140 across and 120 high, so the long axis is the
 * front-to-back one whatever the yaw and pitch), signed to agree with a neutral head's long axis
 * (`neutralAxes`); the header's anterior instead when it lies nearer a neutral head's left-right
 * or up-down. Left is the header's left made perpendicular to it (roll is not estimated: the fan's
 * left-right tilts cover it), superior completes the frame.
 */
export const headAxes = (v: Voxels, w: WorkGrid, brain: Uint8Array): HeadAxes => {
  const [nx, ny] = w.dims;
  const pts: Vec3[] = [];
  for (let p = 0; p < brain.length; p++)
    if (brain[p]) pts.push(cellToPatient(v, w, p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))));
  const n = Math.max(1, pts.length);
  const centre = scale(
    pts.reduce<Vec3>((s, q) => [s[0] + q[0], s[1] + q[1], s[2] + q[2]], [0, 0, 0]),
    1 / n,
  );
  const c = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const q of pts) {
    const d = sub(q, centre);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) c[a * 3 + b]! += (d[a]! * d[b]!) / n;
  }
  const headerAnterior = PATIENT_DIRECTIONS.anterior;
  const neutral = neutralAxes();
  let anterior = longestAxis(c);
  if (dot(anterior, neutral.long) < 0) anterior = scale(anterior, -1);
  const along = (u: Vec3) => Math.abs(dot(anterior, u));
  const fromData = pts.length > 0 && along(neutral.long) >= Math.max(along(neutral.left), along(neutral.up));
  const tilt = angleDegrees(anterior, headerAnterior);
  if (!fromData) anterior = headerAnterior;
  const headerLeft = PATIENT_DIRECTIONS.left;
  const left = normalize(sub(headerLeft, scale(anterior, dot(headerLeft, anterior)))) ?? headerLeft;
  const superior = cross(anterior, left);
  return { centre, anterior, left, superior, tiltDegrees: fromData ? tilt : 0, fromData };
};

/**
 * A neutral head's axes in patient space: its long axis (the header's anterior pitched up
 * `NEUTRAL_PITCH_DEGREES`), its left (the header's) and the up-down square to both.
 *
 * The long axis found in the data is taken for the head's front-to-back when it lies nearer that
 * long axis than the left-right or the up-down: what it can be mistaken for when the field of
 * view leaves a piece of the mask (an axial slab of the top of the head can be wider than long).
 * Why from a neutral head's long axis and not the header's anterior (as before, within 45° of it):
 * the long axis already points 13–28° above the anterior, so a head pitched 25° chin-up put it 44°
 * (the sagittal T1) and 52° (the cadaver CT) from the header's anterior; the CT fell back on the
 * header's axes, 52° off the head's, and its fan cut 1224 mL instead of 645, down in front of the
 * spine to within 2.8 mm of the upright head's mask at the foramen magnum. From the neutral long
 * axis, the derived cases of the three heads (turned, pitched ±25°, yawed 25°, rolled 20°, cropped)
 * lie within 36° (a head turned in yaw, pitch and roll); the CT pitched chin-up, 32°.
 */
const neutralAxes = (): { long: Vec3; left: Vec3; up: Vec3 } => {
  const pitch = (NEUTRAL_PITCH_DEGREES * Math.PI) / 180;
  const { anterior, superior, left } = PATIENT_DIRECTIONS;
  return {
    long: add(scale(anterior, Math.cos(pitch)), scale(superior, Math.sin(pitch))),
    left,
    up: add(scale(superior, Math.cos(pitch)), scale(anterior, -Math.sin(pitch))),
  };
};

/** The eigenvector of the largest eigenvalue of a symmetric 3×3 matrix (row-major), by power iteration. */
const longestAxis = (m: number[]): Vec3 => {
  let x: Vec3 = [0.577, 0.577, 0.577];
  for (let it = 0; it < 200; it++) {
    const y: Vec3 = [
      m[0]! * x[0] + m[1]! * x[1] + m[2]! * x[2],
      m[3]! * x[0] + m[4]! * x[1] + m[5]! * x[2],
      m[6]! * x[0] + m[7]! * x[1] + m[8]! * x[2],
    ];
    const next = normalize(y);
    if (!next) return PATIENT_DIRECTIONS.anterior;
    x = next;
  }
  return x;
};
