import type { Voxels } from '../deface/Voxels.ts';
import type { FrameGeometry } from '../geometry/FrameGeometry.ts';
import { assembleVolume } from '../geometry/Volume.ts';
import { addScaled, cross, type Vec3 } from '../geometry/vec3.ts';

/** A solid in patient space (LPS, mm), as its signed distance: negative inside. Test helper. */
export type Solid = (p: Vec3) => number;

/** A union of balls: centre and radius, mm. */
export const balls =
  (list: readonly { centre: Vec3; radius: number }[]): Solid =>
  (p) =>
    Math.min(...list.map(({ centre: c, radius: r }) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) - r));

/** The skin's partial-volume ramp: from air to tissue over this width, mm (a scanner's blur). */
const RAMP_MM = 3;

/** How slices are laid out: their orientation, spacing and positions along the stack. */
export interface Layout {
  rowCosines: Vec3;
  columnCosines: Vec3;
  /** Pixel spacing [row spacing, column spacing], mm. */
  pixelSpacing: readonly [number, number];
  rows: number;
  columns: number;
  /** Each slice's offset along the stack, mm (irregular gaps allowed). */
  offsets: readonly number[];
  /** The direction the slice origins advance in (the normal, or tilted away from it for a gantry tilt). */
  stack?: Vec3;
  /** The centre of the first slice's image, mm. */
  centre: Vec3;
}

/**
 * A CT volume of a solid (40 HU inside, −1000 outside, a linear ramp across the surface as a
 * scanner blurs it), sampled at every voxel's own patient position through the layout: the same
 * object for any orientation, tilt or gaps. Test helper.
 */
export const phantomCT = (solid: Solid, layout: Layout): Voxels => {
  const { rowCosines: rc, columnCosines: cc, pixelSpacing: ps, rows, columns } = layout;
  const normal = cross(rc, cc);
  const stack = layout.stack ?? normal;
  // The first slice's top-left pixel, so that its image is centred on `centre`.
  const corner = addScaled(addScaled(layout.centre, rc, (-(columns - 1) / 2) * ps[1]), cc, (-(rows - 1) / 2) * ps[0]);
  const geometry: FrameGeometry[] = layout.offsets.map((t, k) => ({
    imagePositionPatient: addScaled(corner, stack, t),
    rowCosines: rc,
    columnCosines: cc,
    normal,
    pixelSpacing: ps,
    rows,
    columns,
    frameOfReferenceUID: '2.25.1',
    source: { instance: k, frame: 0, frameCount: 1, instanceNumber: k + 1, sopInstanceUID: `2.25.1${k}` },
  }));
  const assembled = assembleVolume(geometry);
  if (!assembled.ok) throw new Error(assembled.error.message);
  const volume = assembled.value;
  const data = new Int16Array(rows * columns * layout.offsets.length);
  volume.frames.forEach((f, k) => {
    const o = f.imagePositionPatient;
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p = addScaled(addScaled(o, volume.columnStep, i), volume.rowStep, j);
        data[i + columns * (j + rows * k)] = Math.round(
          -1000 + 1040 * Math.min(1, Math.max(0, 0.5 - solid(p) / RAMP_MM)),
        );
      }
  });
  return {
    volume,
    dims: [columns, rows, layout.offsets.length],
    data,
    modality: 'CT',
    rescale: { slope: 1, intercept: -1024, storedMin: 0, storedMax: 4095 },
  };
};

/** n offsets `step` apart. */
export const evenly = (n: number, step: number): number[] => Array.from({ length: n }, (_, k) => k * step);
