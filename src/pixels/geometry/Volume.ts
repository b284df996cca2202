import type { Result } from '../../dicom/ReadError.ts';
import { describeSource, type FrameGeometry, inImage } from './FrameGeometry.ts';
import type { GeometryError } from './GeometryError.ts';
import { describeDirection, describePlane, type Plane, planeOf } from './orientation.ts';
import { type DuplicatePosition, type SliceGap, type StackSurvey, surveyStack } from './stack.ts';
import { addScaled, dot, formatNumber, scale, sub, type Vec3 } from './vec3.ts';

/**
 * Frames assembled into one volume: one orientation, one frame of reference, ordered along the
 * normal. Voxel (column, row, slice) is pixel (column, row) of frame `slice`, placed through that
 * frame's own ImagePositionPatient, so a tilted gantry or irregular gaps need no resampling and
 * no orthogonal-grid assumption.
 */
export interface Volume {
  /** Frames in slice order (ascending along `normal`); `frames[k].source` says which file and frame to decode. */
  frames: FrameGeometry[];
  columns: number;
  rows: number;
  /** PixelSpacing as in FrameGeometry: [row spacing, column spacing], mm. */
  pixelSpacing: readonly [rowSpacing: number, columnSpacing: number];
  rowCosines: Vec3;
  columnCosines: Vec3;
  /** rowCosines × columnCosines; slice index grows along it. */
  normal: Vec3;
  plane: Plane;
  /**
   * LPS step (mm) for one column: rowCosines · PixelSpacing[1]. Hot loops place voxel (c, r, k) as
   * frames[k].imagePositionPatient + c · columnStep + r · rowStep, which is `voxelToPatient`.
   */
  columnStep: Vec3;
  /** LPS step (mm) for one row: columnCosines · PixelSpacing[0]. */
  rowStep: Vec3;
  /** Each slice's position along `normal` (ImagePositionPatient · normal), mm, strictly ascending. */
  positions: Float64Array;
  /** Usual distance between neighbouring planes, mm (the median; see `gaps` for the others). */
  sliceSpacing: number;
  /** First plane to last plane along the normal, mm (centre to centre). */
  extent: number;
  /** Unit direction the slice origins advance in: `normal` unless the gantry was tilted. */
  stackDirection: Vec3;
  gantryTiltDegrees: number;
  gaps: SliceGap[];
  frameOfReferenceUID: string;
  /** Facts worth a line in a report (tilt, gaps), as sentences. */
  notes: string[];
}

/** What makes a set of frames a volume worth defacing (issue: "one orientation, a reasonable slice count and extent"). */
export interface VolumeCriteria {
  minSlices: number;
  minExtentMm: number;
}

/** A head volume: at least 20 slices over at least 60 mm. */
export const REASONABLE_VOLUME: VolumeCriteria = { minSlices: 20, minExtentMm: 60 };

/** Tilt below this is position rounding, not worth a note. */
const TILT_NOTE_DEGREES = 0.5;

export interface AssembleOptions extends Partial<VolumeCriteria> {
  /** Names the frames in messages: "series 3". */
  label?: string;
}

/** Why frames are not a volume, with the survey that shows it. */
export interface VolumeError extends GeometryError {
  survey: StackSurvey;
}

/**
 * Assembles frames (the frames of one series: `seriesFrames`) into a volume, or says in a
 * sentence why they are not one: several frames of reference, several orientations (a localizer
 * among axials), differing matrix or pixel sizes, several slices at one position (echoes, phases,
 * repeats), too few slices or too short a stack. Gantry tilt and irregular gaps are accepted and
 * noted.
 */
export const assembleVolume = (
  frames: readonly FrameGeometry[],
  options: AssembleOptions = {},
): Result<Volume, VolumeError> => {
  const label = options.label ?? 'the series';
  const minSlices = Math.max(2, options.minSlices ?? REASONABLE_VOLUME.minSlices);
  const minExtentMm = options.minExtentMm ?? REASONABLE_VOLUME.minExtentMm;
  const survey = surveyStack(frames);
  const fail = (kind: GeometryError['kind'], why: string): Result<never, VolumeError> => ({
    ok: false,
    error: { kind, message: `${label}: ${why}`, survey },
  });
  const n = survey.sliceCount;
  const slices = `${n} ${n === 1 ? 'slice' : 'slices'}`;
  const stack = survey.stack;
  if (!stack) return fail('no-frames', 'no image frames: not a volume');
  if (survey.framesOfReference.length > 1) {
    return fail(
      'mixed-frames-of-reference',
      `${survey.framesOfReference.length} frames of reference among ${slices}: positions cannot be compared, not a volume`,
    );
  }
  if (survey.orientations.length > 1) {
    const names = survey.orientations.map((g) => describePlane(g.plane));
    // Same plane, turned in-plane (rows running another way): say which way the rows run.
    const clash = new Set(names).size < names.length;
    const counts = survey.orientations
      .map((g, i) => `${g.frames.length} ${names[i]}${clash ? ` with rows ${describeDirection(g.rowCosines)}` : ''}`)
      .join(', ');
    return fail(
      'mixed-orientations',
      `${survey.orientations.length} orientations among ${slices} (${counts}): not a volume`,
    );
  }
  if (survey.sizes.length > 1) {
    return fail('mixed-sizes', `slices of ${listed(survey.sizes)} pixels: not one volume`);
  }
  if (survey.pixelSpacings.length > 1) {
    return fail('mixed-sizes', `slices with PixelSpacing ${listed(survey.pixelSpacings)} mm: not one volume`);
  }
  if (stack.duplicates.length > 0) {
    return fail('duplicate-positions', duplicatesSentence(frames, stack.duplicates, n, stack.distinctPositions));
  }
  if (n < minSlices) return fail('too-few-slices', `${slices}: too few for a volume (at least ${minSlices})`);
  if (stack.extent < minExtentMm) {
    return fail(
      'too-short',
      `the slices span ${formatNumber(stack.extent)} mm: too short for a volume (at least ${formatNumber(minExtentMm)} mm)`,
    );
  }

  const ordered = stack.order.map((i) => frames[i]!);
  const first = ordered[0]!;
  const notes: string[] = [];
  if (stack.gantryTiltDegrees >= TILT_NOTE_DEGREES) {
    notes.push(
      `gantry tilt ${formatNumber(stack.gantryTiltDegrees)}°: each slice is placed by its own ImagePositionPatient`,
    );
  }
  if (stack.gaps.length > 0) notes.push(gapsSentence(stack.gaps));
  return {
    ok: true,
    value: {
      frames: ordered,
      columns: first.columns,
      rows: first.rows,
      pixelSpacing: first.pixelSpacing,
      rowCosines: first.rowCosines,
      columnCosines: first.columnCosines,
      normal: first.normal,
      plane: planeOf(first.normal),
      columnStep: scale(first.rowCosines, first.pixelSpacing[1]),
      rowStep: scale(first.columnCosines, first.pixelSpacing[0]),
      positions: Float64Array.from(stack.positions),
      sliceSpacing: stack.sliceSpacing,
      extent: stack.extent,
      stackDirection: stack.stackDirection,
      gantryTiltDegrees: stack.gantryTiltDegrees,
      gaps: stack.gaps,
      frameOfReferenceUID: first.frameOfReferenceUID,
      notes,
    },
  };
};

/**
 * The patient position (LPS, mm) of voxel (column, row, slice), through slice `slice`'s own
 * ImagePositionPatient. A fractional slice interpolates between the origins of the two slices
 * around it (and extrapolates from the end pair beyond the stack), so it follows tilt and gaps.
 */
export const voxelToPatient = (v: Volume, column: number, row: number, slice: number): Vec3 => {
  const origin = originAt(v, slice);
  return addScaled(addScaled(origin, v.columnStep, column), v.rowStep, row);
};

const originAt = (v: Volume, slice: number): Vec3 => {
  const last = v.frames.length - 1;
  const own = v.frames[slice];
  if (own) return own.imagePositionPatient; // an integer slice in range: exactly its own position
  const k = Math.min(Math.max(Math.floor(slice), 0), last - 1);
  const a = v.frames[k]!.imagePositionPatient;
  return addScaled(a, sub(v.frames[k + 1]!.imagePositionPatient, a), slice - k);
};

/** A patient position in a volume's voxel terms. */
export interface VoxelLocation {
  /** The nearest slice (its plane is nearest along the normal). */
  frame: number;
  /** Fractional pixel indexes in that slice. */
  column: number;
  row: number;
  /** Signed distance from that slice's plane along the normal, mm. */
  distance: number;
  /** Fractional slice index between the two planes around the point (extrapolated outside the stack). */
  slice: number;
  /** Within the image and no further than half the slice spacing beyond the first or last plane. */
  inside: boolean;
}

/** The inverse of `voxelToPatient`: the nearest slice and the pixel in it, and the fractional slice index. */
export const patientToVoxel = (v: Volume, p: Vec3): VoxelLocation => {
  const t = dot(p, v.normal);
  const pos = v.positions;
  const last = pos.length - 1;
  // The pair of planes around t (the end pair outside the stack).
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (pos[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const slice = lo + (t - pos[lo]!) / (pos[hi]! - pos[lo]!);
  const frame = Math.abs(t - pos[lo]!) <= Math.abs(t - pos[hi]!) ? lo : hi;
  const d = sub(p, v.frames[frame]!.imagePositionPatient);
  const column = dot(d, v.rowCosines) / v.pixelSpacing[1];
  const row = dot(d, v.columnCosines) / v.pixelSpacing[0];
  const half = v.sliceSpacing / 2;
  const inside = inImage(v, column, row) && t >= pos[0]! - half && t <= pos[last]! + half;
  return { frame, column, row, distance: t - pos[frame]!, slice, inside };
};

const listed = (xs: string[]): string =>
  xs.length <= 2 ? xs.join(' and ') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;

const duplicatesSentence = (
  frames: readonly FrameGeometry[],
  duplicates: DuplicatePosition[],
  count: number,
  distinct: number,
): string => {
  const each = duplicates[0]!.frames.length;
  if (duplicates.length === distinct && duplicates.every((d) => d.frames.length === each)) {
    return `${count} slices at ${distinct} positions, ${each} at each (echoes, phases or repeats): not one volume`;
  }
  const d = duplicates[0]!;
  const names = d.frames.map((i) => describeSource(frames[i]!.source));
  const more = duplicates.length > 1 ? ` and ${duplicates.length - 1} more positions` : '';
  return `${listed(names)} are at the same position (${formatNumber(d.position, 2)} mm along the normal)${more}: not one volume`;
};

const gapsSentence = (gaps: SliceGap[]): string => {
  const shown = gaps.slice(0, 3).map((g) => {
    const missing =
      g.missingSlices > 0 ? `, ${g.missingSlices} ${g.missingSlices === 1 ? 'slice' : 'slices'} missing` : '';
    return `${formatNumber(g.gap, 2)} mm between ${formatNumber(g.from, 2)} and ${formatNumber(g.to, 2)} mm${missing}`;
  });
  const more = gaps.length > 3 ? `, and ${gaps.length - 3} more` : '';
  const usual = formatNumber(gaps[0]!.expected, 2);
  return `irregular gaps (${usual} mm elsewhere): ${shown.join('; ')}${more}; each slice is placed by its own ImagePositionPatient`;
};
