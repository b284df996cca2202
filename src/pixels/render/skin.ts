import { CT_HU } from '../deface/brainMask.ts';
import { otsu } from '../deface/threshold.ts';
import type { Voxels } from '../deface/Voxels.ts';
import { voxelToPatient } from '../geometry/Volume.ts';
import { cross, norm, type Vec3 } from '../geometry/vec3.ts';
import { type Camera, cameraOf, type HeadFrame, patientFrame, type ViewAngles } from './camera.ts';
import { type Occupancy, occupancyOf } from './occupancy.ts';
import { toVoxel, trilinear, type VoxelMap, voxelMapOf } from './sampler.ts';

/** A greyscale picture, one byte per pixel, row by row from the top left. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/** What to render: the voxels, what counts as skin, and the head's frame. */
export interface SkinOptions {
  /** Values above this are tissue. Default: CT −300 HU (`CT_HU.air`), MR Otsu's threshold of the volume. */
  threshold?: number;
  /**
   * The head's frame (from `headAxes`, or the defacing verdict's `axes`): the camera turns around
   * its centre and its axes. Default: the patient's axes (LPS) around the tissue's centroid.
   */
  frame?: HeadFrame;
  /**
   * Only tissue inside this mask counts (the defacing plan's `mask.head` on its working grid): the
   * couch, the head holder and specks of noise in the air are then not drawn in front of the face.
   */
  within?: WithinMask;
}

/** A mask on a coarser grid of whole-voxel blocks (`WorkGrid`): cell (i, j, k) covers voxels i·fx … (i+1)·fx − 1, and so on. */
export interface WithinMask {
  dims: readonly [number, number, number];
  factors: readonly [number, number, number];
  mask: Uint8Array;
}

/**
 * A volume prepared for rendering its skin from any angle: the voxel map, the coarse occupancy,
 * the frame. Preparing reads every voxel once (about the cost of one view); each view then only
 * walks rays, so a rotatable view renders each angle from the same scene.
 */
export interface SkinScene {
  voxels: Voxels;
  threshold: number;
  frame: HeadFrame;
  /** All tissue lies within this distance of the frame's centre, mm: rays are clipped to it. */
  radius: number;
  map: VoxelMap;
  occupancy: Occupancy;
  /** Perpendicular width of one block along each index axis, mm: the safe jump per block of distance. */
  blockMm: number;
  /** Ray step near tissue, mm. */
  stepMm: number;
}

/** The tissue threshold the renderer uses by default: CT −300 HU, MR Otsu's threshold between air and head. */
export const skinThreshold = (v: Voxels): number => (v.modality === 'CT' ? CT_HU.air : otsu(v.data));

/** Prepares a volume for `renderSkin`. */
export const skinScene = (v: Voxels, options: SkinOptions = {}): SkinScene => {
  const threshold = options.threshold ?? skinThreshold(v);
  const vol = v.volume;
  const map = voxelMapOf(v);
  // Perpendicular distance between neighbouring index planes of each axis: |det J| / |other two columns' cross|.
  const a = vol.columnStep;
  const b = vol.rowStep;
  const nz = v.dims[2];
  const c: Vec3 =
    nz > 1 ? sub3(voxelToPatient(vol, 0, 0, nz - 1), voxelToPatient(vol, 0, 0, 0), 1 / (nz - 1)) : vol.normal;
  const det = Math.abs(
    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]),
  );
  const widths: [number, number, number] = [
    det / norm(cross(b, c)),
    det / norm(cross(c, a)),
    Math.min(map.minGap, det / norm(cross(a, b))),
  ];
  const occupancy = occupancyOf(v, threshold, widths, options.within);
  const blockMm = Math.min(...widths.map((w, i) => w * occupancy.block[i]!));
  const stepMm = Math.min(1, Math.max(0.3, 0.5 * Math.min(...widths)));
  const { centroid, corners } = occupiedExtent(v, occupancy);
  const frame = options.frame ?? patientFrame(centroid);
  return { voxels: v, threshold, frame, radius: radiusAround(corners, frame.centre), map, occupancy, blockMm, stepMm };
};

/** The distance from a centre to the farthest of the corners (the clipping sphere's radius). */
const radiusAround = (corners: readonly Vec3[], centre: Vec3): number => {
  let radius = 0;
  for (const p of corners) radius = Math.max(radius, norm(sub3(p, centre, 1)));
  return radius;
};

/** The same scene turned around another frame (no voxel is read again; only the clipping sphere follows the centre). */
export const reframed = (scene: SkinScene, frame: HeadFrame): SkinScene => ({
  ...scene,
  frame,
  radius: radiusAround(occupiedExtent(scene.voxels, scene.occupancy).corners, frame.centre),
});

/**
 * How far the tissue reaches from the frame's centre along a unit direction, mm: the farthest
 * centre of a block holding tissue (within half a block, 2 mm, of the skin). Along the head's
 * superior axis it finds the top of the head whatever the brain mask's centroid.
 */
export const reachAlong = (scene: SkinScene, direction: Vec3): number => {
  const v = scene.voxels;
  const occ = scene.occupancy;
  const [wx, wy, wz] = occ.dims;
  const [bx, by, bz] = occ.block;
  const [nx, ny, nz] = v.dims;
  const c = scene.frame.centre;
  let reach = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < wz; k++)
    for (let j = 0; j < wy; j++)
      for (let i = 0; i < wx; i++) {
        if (occ.distance[i + wx * (j + wy * k)] !== 0) continue;
        const p = voxelToPatient(
          v.volume,
          Math.min((i + 0.5) * bx, nx - 1),
          Math.min((j + 0.5) * by, ny - 1),
          Math.min((k + 0.5) * bz, nz - 1),
        );
        reach = Math.max(reach, dot3(sub3(p, c, 1), direction));
      }
  return Number.isFinite(reach) ? reach : 0;
};

/** One view of a scene. */
export interface SkinView extends ViewAngles {
  /** Picture width and height, pixels (default 256). */
  size?: number;
  /** Width and height of the picture in the patient, mm (default: the tissue's whole extent, `2 · radius`). */
  fieldMm?: number;
  /** Moves the picture's centre along the head's superior axis, mm (negative: down toward the chin). */
  raiseMm?: number;
}

/**
 * Renders the skin surface as a camera at the view's yaw and pitch sees it: an orthographic
 * ray-cast to the first point above the threshold (confirmed 1 mm deeper, so a speck of noise in
 * the air is not a surface), shaded from the gradient of the voxels (central differences) by a
 * light at the camera and one above it, as a plaster cast. Background is black.
 */
export const renderSkin = (scene: SkinScene, view: SkinView): GreyImage => {
  const size = Math.max(8, Math.round(view.size ?? 256));
  const field = view.fieldMm ?? 2 * scene.radius;
  const cam = cameraOf(scene.frame, view);
  const shift = view.raiseMm ?? 0;
  const centre: Vec3 = [
    scene.frame.centre[0] + scene.frame.superior[0] * shift,
    scene.frame.centre[1] + scene.frame.superior[1] * shift,
    scene.frame.centre[2] + scene.frame.superior[2] * shift,
  ];
  const pixels = new Uint8ClampedArray(size * size);
  const pixelMm = field / size;
  const caster = new RayCaster(scene, cam);
  // The ray's distance from the frame's centre decides its clip against the tissue's sphere.
  const offset = sub3(centre, scene.frame.centre, 1);
  const along = dot3(offset, cam.forward);
  for (let py = 0; py < size; py++) {
    const y = (size / 2 - py - 0.5) * pixelMm;
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5 - size / 2) * pixelMm;
      // The ray's point nearest the frame's centre, and its distance from it.
      const bx = centre[0] + cam.right[0] * x + cam.up[0] * y - cam.forward[0] * along;
      const by = centre[1] + cam.right[1] * x + cam.up[1] * y - cam.forward[1] * along;
      const bz = centre[2] + cam.right[2] * x + cam.up[2] * y - cam.forward[2] * along;
      const off2 =
        (bx - scene.frame.centre[0]) ** 2 + (by - scene.frame.centre[1]) ** 2 + (bz - scene.frame.centre[2]) ** 2;
      const r2 = scene.radius * scene.radius - off2;
      if (r2 <= 0) continue;
      const h = Math.sqrt(r2);
      pixels[py * size + px] = caster.cast(bx, by, bz, -h, h);
    }
  }
  return { width: size, height: size, pixels };
};

/** Walks rays through one scene from one camera. */
class RayCaster {
  private readonly at = new Float64Array(3);
  private readonly v: Voxels;
  private readonly light: Vec3;
  constructor(
    private readonly scene: SkinScene,
    private readonly cam: Camera,
  ) {
    this.v = scene.voxels;
    // A key light above the camera, as a face is usually lit: shadows under the brows, nose and lips.
    const l = [
      -cam.forward[0] + 0.5 * cam.up[0] - 0.2 * cam.right[0],
      -cam.forward[1] + 0.5 * cam.up[1] - 0.2 * cam.right[1],
      -cam.forward[2] + 0.5 * cam.up[2] - 0.2 * cam.right[2],
    ] as const;
    const n = Math.hypot(l[0], l[1], l[2]);
    this.light = [l[0] / n, l[1] / n, l[2] / n];
  }

  /** The value at a patient point, or NaN outside the volume. */
  private sample(x: number, y: number, z: number): number {
    const at = this.at;
    toVoxel(this.scene.map, x, y, z, at);
    const [nx, ny, nz] = this.v.dims;
    const c = at[0]!;
    const r = at[1]!;
    const k = at[2]!;
    if (!(c >= 0 && r >= 0 && k >= 0 && c <= nx - 1 && r <= ny - 1 && k <= nz - 1)) return Number.NaN;
    return trilinear(this.v, c, r, k);
  }

  /**
   * The shade (0–255) of the ray through (bx, by, bz) along the camera's forward, between
   * parameters t0 and t1 (mm), or 0 when it meets no skin.
   */
  cast(bx: number, by: number, bz: number, t0: number, t1: number): number {
    const { scene, at } = this;
    const f = this.cam.forward;
    const occ = scene.occupancy;
    const [bxk, byk, bzk] = occ.block;
    const [wx, wy] = occ.dims;
    const [nx, ny, nz] = this.v.dims;
    const thr = scene.threshold;
    const step = scene.stepMm;
    // Clip to the volume: the index path is a straight line between the ends (exact for a regular
    // stack, tilted or not; across an irregular gap nearly so, hence the one-voxel slack).
    toVoxel(scene.map, bx + f[0] * t0, by + f[1] * t0, bz + f[2] * t0, at);
    const a0 = at[0]!;
    const a1 = at[1]!;
    const a2 = at[2]!;
    toVoxel(scene.map, bx + f[0] * t1, by + f[1] * t1, bz + f[2] * t1, at);
    let u0 = 0;
    let u1 = 1;
    const ends = [a0, at[0]!, a1, at[1]!, a2, at[2]!];
    const limits = [nx - 1, ny - 1, nz - 1];
    for (let axis = 0; axis < 3; axis++) {
      const p = ends[axis * 2]!;
      const q = ends[axis * 2 + 1]!;
      const lo = -1;
      const hi = limits[axis]! + 1;
      if (p === q) {
        if (p < lo || p > hi) return 0;
        continue;
      }
      const ua = (lo - p) / (q - p);
      const ub = (hi - p) / (q - p);
      u0 = Math.max(u0, Math.min(ua, ub));
      u1 = Math.min(u1, Math.max(ua, ub));
    }
    if (u0 > u1) return 0;
    const t00 = t0;
    t0 = t00 + (t1 - t00) * u0;
    t1 = t00 + (t1 - t00) * u1;
    let t = t0;
    let before = t0;
    while (t <= t1) {
      const x = bx + f[0] * t;
      const y = by + f[1] * t;
      const z = bz + f[2] * t;
      toVoxel(scene.map, x, y, z, at);
      const c = at[0]!;
      const r = at[1]!;
      const k = at[2]!;
      if (!(c >= 0 && r >= 0 && k >= 0 && c <= nx - 1 && r <= ny - 1 && k <= nz - 1)) {
        before = t;
        t += step;
        continue;
      }
      const d = occ.distance[Math.floor(c / bxk) + wx * (Math.floor(r / byk) + wy * Math.floor(k / bzk))]!;
      if (d > 1) {
        before = t;
        t += Math.max(step, (d - 1) * scene.blockMm);
        continue;
      }
      if (d === 1 || !(trilinear(this.v, c, r, k) > thr)) {
        before = t;
        t += step;
        continue;
      }
      // The surface lies between `before` (below the threshold) and t: bisect.
      let lo = before;
      let hi = t;
      for (let i = 0; i < 6; i++) {
        const mid = (lo + hi) / 2;
        const s = this.sample(bx + f[0] * mid, by + f[1] * mid, bz + f[2] * mid);
        if (s > thr) hi = mid;
        else lo = mid;
      }
      // Tissue 1 mm deeper too, or it was a speck of noise in the air: walk on.
      const deeper = this.sample(bx + f[0] * (hi + 1), by + f[1] * (hi + 1), bz + f[2] * (hi + 1));
      if (!(deeper > thr) && !Number.isNaN(deeper)) {
        before = t;
        t += step;
        continue;
      }
      return this.shade(bx + f[0] * hi, by + f[1] * hi, bz + f[2] * hi);
    }
    return 0;
  }

  /** Lambert shading of the surface at a point from the gradient of the voxels there. */
  private shade(x: number, y: number, z: number): number {
    const at = this.at;
    toVoxel(this.scene.map, x, y, z, at);
    const [nx, ny, nz] = this.v.dims;
    const c = clamp(at[0]!, 1, nx - 2);
    const r = clamp(at[1]!, 1, ny - 2);
    const k = clamp(at[2]!, nz > 2 ? 1 : 0, Math.max(nz - 2, 0));
    const v = this.v;
    const g0 = (trilinear(v, c + 1, r, k) - trilinear(v, c - 1, r, k)) / 2;
    const g1 = (trilinear(v, c, r + 1, k) - trilinear(v, c, r - 1, k)) / 2;
    const g2 = nz > 2 ? (trilinear(v, c, r, k + 1) - trilinear(v, c, r, k - 1)) / 2 : 0;
    const m = this.scene.map.gradient;
    // The outward normal points down the gradient (values grow into the tissue).
    let nxp = -(m[0]! * g0 + m[1]! * g1 + m[2]! * g2);
    let nyp = -(m[3]! * g0 + m[4]! * g1 + m[5]! * g2);
    let nzp = -(m[6]! * g0 + m[7]! * g1 + m[8]! * g2);
    const len = Math.hypot(nxp, nyp, nzp);
    const f = this.cam.forward;
    if (len > 0) {
      nxp /= len;
      nyp /= len;
      nzp /= len;
    } else {
      nxp = -f[0];
      nyp = -f[1];
      nzp = -f[2];
    }
    const head = Math.max(0, -(nxp * f[0] + nyp * f[1] + nzp * f[2]));
    const l = this.light;
    const key = Math.max(0, nxp * l[0] + nyp * l[1] + nzp * l[2]);
    return Math.round(255 * Math.min(1, 0.12 + 0.38 * head + 0.55 * key));
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** (a − b) · s */
const sub3 = (a: Vec3, b: Vec3, s: number): Vec3 => [(a[0] - b[0]) * s, (a[1] - b[1]) * s, (a[2] - b[2]) * s];

const dot3 = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The centroid of the occupied blocks and the patient positions of their corners (for the clipping sphere). */
const occupiedExtent = (v: Voxels, occ: Occupancy): { centroid: Vec3; corners: Vec3[] } => {
  const [wx, wy, wz] = occ.dims;
  const [bx, by, bz] = occ.block;
  const [nx, ny, nz] = v.dims;
  let lo = [wx, wy, wz];
  let hi = [-1, -1, -1];
  let sum: Vec3 = [0, 0, 0];
  let count = 0;
  for (let k = 0; k < wz; k++)
    for (let j = 0; j < wy; j++)
      for (let i = 0; i < wx; i++) {
        if (occ.distance[i + wx * (j + wy * k)] !== 0) continue;
        lo = [Math.min(lo[0]!, i), Math.min(lo[1]!, j), Math.min(lo[2]!, k)];
        hi = [Math.max(hi[0]!, i), Math.max(hi[1]!, j), Math.max(hi[2]!, k)];
        const p = voxelToPatient(
          v.volume,
          Math.min((i + 0.5) * bx, nx - 1),
          Math.min((j + 0.5) * by, ny - 1),
          Math.min((k + 0.5) * bz, nz - 1),
        );
        sum = [sum[0] + p[0], sum[1] + p[1], sum[2] + p[2]];
        count++;
      }
  if (count === 0) {
    const mid = voxelToPatient(v.volume, (nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2);
    return { centroid: mid, corners: [mid] };
  }
  const corners: Vec3[] = [];
  for (const i of [lo[0]! * bx, Math.min((hi[0]! + 1) * bx, nx - 1)])
    for (const j of [lo[1]! * by, Math.min((hi[1]! + 1) * by, ny - 1)])
      for (const k of [lo[2]! * bz, Math.min((hi[2]! + 1) * bz, nz - 1)])
        corners.push(voxelToPatient(v.volume, i, j, k));
  return { centroid: [sum[0] / count, sum[1] / count, sum[2] / count], corners };
};
