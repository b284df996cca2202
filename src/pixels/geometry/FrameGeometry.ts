import { addScaled, dot, sub, type Vec3 } from './vec3.ts';

/**
 * One frame (a single-frame instance, or one frame of an enhanced multi-frame instance) placed in
 * patient space. Everything later code needs to map its pixels to the patient and back, taken
 * from that frame's own attributes, so nothing assumes the frames form an orthogonal grid.
 */
export interface FrameGeometry {
  /** ImagePositionPatient (0020,0032): the centre of the first transmitted pixel (column 0, row 0), mm, LPS. */
  imagePositionPatient: Vec3;
  /**
   * ImageOrientationPatient (0020,0037) values 1–3, the row direction cosines: the direction along
   * a row, in which the column index grows. Unit length (normalised on reading).
   */
  rowCosines: Vec3;
  /**
   * ImageOrientationPatient values 4–6, the column direction cosines: down a column, in which
   * the row index grows. Unit length, made exactly perpendicular to `rowCosines` on reading.
   */
  columnCosines: Vec3;
  /** rowCosines × columnCosines: the slice normal. Unit length. */
  normal: Vec3;
  /**
   * PixelSpacing (0028,0030) in the standard's order (PS3.3 10.7.1.3): [0] the distance between
   * the centres of adjacent rows (a step along `columnCosines`), [1] between adjacent columns
   * (a step along `rowCosines`), in mm.
   */
  pixelSpacing: readonly [rowSpacing: number, columnSpacing: number];
  rows: number;
  columns: number;
  /** SliceThickness (0018,0050) in mm, when given. Not the spacing between slices. */
  sliceThickness?: number;
  /** FrameOfReferenceUID (0020,0052); '' when absent. Positions compare only within one frame of reference. */
  frameOfReferenceUID: string;
  source: FrameSource;
}

/** Where a frame came from, so its pixels can be fetched (`decodeFrame(file, frame)`) and named in messages. */
export interface FrameSource {
  /** Index of the instance in the list the frames were read from. */
  instance: number;
  /** 0-based frame index within that instance (0 for a single-frame instance). */
  frame: number;
  /** Frames in that instance (NumberOfFrames, 1 for a single-frame instance). */
  frameCount: number;
  instanceNumber?: number;
  sopInstanceUID: string;
}

/**
 * The patient position (LPS, mm) of a pixel centre, PS3.3 C.7.6.2.1.1 Equation C.7.6.2.1-1:
 * P = S + X·Δi·i + Y·Δj·j, with S the ImagePositionPatient, X the row and Y the column direction
 * cosines, i the column and j the row index, Δi the column spacing (PixelSpacing[1]) and Δj the
 * row spacing (PixelSpacing[0]). Fractional indexes are allowed.
 */
export const pixelToPatient = (f: FrameGeometry, column: number, row: number): Vec3 =>
  addScaled(
    addScaled(f.imagePositionPatient, f.rowCosines, column * f.pixelSpacing[1]),
    f.columnCosines,
    row * f.pixelSpacing[0],
  );

/** A patient position seen from one frame: fractional pixel indexes and the distance off the plane. */
export interface PixelLocation {
  column: number;
  row: number;
  /** Signed distance from the frame's plane along its normal, mm (positive on the normal's side). */
  distance: number;
  /** The point projects inside the image (within half a pixel of its edge pixels' centres). */
  inImage: boolean;
}

/** The inverse of `pixelToPatient`: projects a patient position onto the frame's plane. */
export const patientToPixel = (f: FrameGeometry, p: Vec3): PixelLocation => {
  // The direction cosines are orthonormal (ensured on reading), so projection is the exact inverse.
  const d = sub(p, f.imagePositionPatient);
  const column = dot(d, f.rowCosines) / f.pixelSpacing[1];
  const row = dot(d, f.columnCosines) / f.pixelSpacing[0];
  return { column, row, distance: dot(d, f.normal), inImage: inImage(f, column, row) };
};

/** Whether fractional pixel indexes fall on the image (pixel centres run 0…columns−1, 0…rows−1). */
export const inImage = (f: Pick<FrameGeometry, 'rows' | 'columns'>, column: number, row: number): boolean =>
  column >= -0.5 && column <= f.columns - 0.5 && row >= -0.5 && row <= f.rows - 0.5;

/**
 * The frame whose plane is nearest to a patient position, among frames of any orientations (a
 * localizer among axials, say), preferring frames the point projects inside of. Linear in the
 * number of frames; an assembled volume has a faster `patientToVoxel`.
 */
export const nearestFrame = (
  frames: readonly FrameGeometry[],
  p: Vec3,
): ({ index: number } & PixelLocation) | undefined => {
  let best: ({ index: number } & PixelLocation) | undefined;
  frames.forEach((f, index) => {
    const at = patientToPixel(f, p);
    const better =
      !best ||
      (at.inImage && !best.inImage) ||
      (at.inImage === best.inImage && Math.abs(at.distance) < Math.abs(best.distance));
    if (better) best = { index, ...at };
  });
  return best;
};

/** Names a frame's source for messages: "instance 12", "instance 3, frame 7", "file 5". */
export const describeSource = (s: FrameSource): string => {
  const instance = s.instanceNumber !== undefined ? `instance ${s.instanceNumber}` : `file ${s.instance + 1}`;
  return s.frameCount > 1 ? `${instance}, frame ${s.frame + 1}` : instance;
};
