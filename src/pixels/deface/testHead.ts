import { dot, sub, type Vec3 } from '../geometry/vec3.ts';

/**
 * A synthetic head CT in HU, defined in patient space (LPS, mm): an ellipsoid brain (80 mm front
 * to back, 65 across, 55 high: 1.2 L), a 4 mm skull and 3 mm scalp around it (so nothing but the
 * face lies further than 10 mm from the brain), and a nose, lips and chin in front and below.
 * Test helper, shared by the phantom tests.
 */
export const BRAIN: Vec3 = [80, 65, 55]; // semi-axes along anterior, left, superior

export const inEllipsoid = (p: Vec3, r: Vec3, grow = 0): boolean =>
  (p[0] / (r[0] + grow)) ** 2 + (p[1] / (r[1] + grow)) ** 2 + (p[2] / (r[2] + grow)) ** 2 <= 1;

/** Where the head is: its own anterior, left, superior in LPS (a tilted head turns these), and whether it has a face. */
export interface Head {
  a: Vec3;
  l: Vec3;
  s: Vec3;
  face: boolean;
}

export const STRAIGHT: Head = { a: [0, -1, 0], l: [1, 0, 0], s: [0, 0, 1], face: true };

/** The face parts, in head coordinates (anterior, left, superior), as spheres: centre and radius. */
export const FACE: { name: string; at: Vec3; r: number }[] = [
  { name: 'nose', at: [92, 0, -25], r: 12 },
  { name: 'lips', at: [84, 0, -62], r: 12 },
  { name: 'chin', at: [72, 0, -88], r: 14 },
  { name: 'jaw', at: [50, 0, -75], r: 26 },
];

/** A patient position (LPS) in the head's own coordinates (anterior, left, superior). */
export const inHead = (h: Head, lps: Vec3): Vec3 => [dot(lps, h.a), dot(lps, h.l), dot(lps, h.s)];

/** The phantom's HU at a patient position. */
export const hu = (h: Head, lps: Vec3): number => {
  const p = inHead(h, lps);
  if (h.face) for (const f of FACE) if (dot(sub(p, f.at), sub(p, f.at)) <= f.r * f.r) return 40;
  if (inEllipsoid(p, BRAIN)) return 30;
  if (inEllipsoid(p, BRAIN, 4)) return 1000;
  if (inEllipsoid(p, BRAIN, 7)) return 40;
  return -1000;
};
