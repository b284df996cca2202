import type { Dataset } from '../../dicom/Dataset.ts';
import type { Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { formatTag } from '../../dicom/tag.ts';
import { getString, numberOf } from '../../dicom/values.ts';
import {
  Columns,
  decimalsOf,
  FrameOfReferenceUID,
  firstItem,
  ImageOrientationPatient,
  ImagePositionPatient,
  InstanceNumber,
  NumberOfFrames,
  PerFrameFunctionalGroupsSequence,
  PixelMeasuresSequence,
  PixelSpacing,
  PlaneOrientationSequence,
  PlanePositionSequence,
  Rows,
  SharedFunctionalGroupsSequence,
  SliceThickness,
  SOPInstanceUID,
} from './attributes.ts';
import { describeSource, type FrameGeometry, type FrameSource } from './FrameGeometry.ts';
import { type GeometryError, geometryError } from './GeometryError.ts';
import { cross, dot, formatNumber, normalize, scale, sub, type Vec3 } from './vec3.ts';

/** A header to read geometry from: a data set (little endian assumed for binary values) or a read file. */
export type Header = Dataset | Pick<DicomFile, 'dataset' | 'transferSyntax'>;

/**
 * How far ImageOrientationPatient may stray from two perpendicular unit vectors and still be
 * taken as rounding (values written with a few decimals). Beyond this the header is wrong.
 */
const ORTHONORMAL_TOLERANCE = 0.01;

/**
 * Every frame of one instance in patient space. A single-frame image uses its Image Plane Module
 * (PS3.3 C.7.6.2); an enhanced multi-frame image its functional groups (C.7.6.16): per frame,
 * Plane Position (Patient) (0020,9113), Plane Orientation (Patient) (0020,9116) and Pixel Measures
 * (0028,9110), each taken from the Per-frame Functional Groups Sequence item, else from the
 * Shared one (C.7.6.16.1: a macro is in one or the other), else from the top level.
 */
export const instanceFrames = (header: Header, instance = 0): Result<FrameGeometry[], GeometryError> => {
  const ds = 'dataset' in header ? header.dataset : header;
  const le = 'transferSyntax' in header ? header.transferSyntax.littleEndian : true;
  const frameCount = Math.max(1, numberOf(ds.get(NumberOfFrames), le) ?? 1);
  const rows = numberOf(ds.get(Rows), le);
  const columns = numberOf(ds.get(Columns), le);
  const base: Omit<FrameSource, 'frame'> = {
    instance,
    frameCount,
    sopInstanceUID: getString(ds, SOPInstanceUID) ?? '',
    ...optional('instanceNumber', numberOf(ds.get(InstanceNumber), le)),
  };
  const whose = describeSource({ ...base, frame: 0, frameCount: 1 });
  if (!rows || !columns) return geometryError('missing-attribute', `${whose}: Rows or Columns is missing or 0`);

  const shared = firstItem(ds, SharedFunctionalGroupsSequence);
  const perFrame = ds.get(PerFrameFunctionalGroupsSequence)?.items;
  if (frameCount > 1 && (perFrame?.length ?? 0) < frameCount) {
    // A classic multi-frame image places only its first frame; the others have no position.
    const has = perFrame ? `${perFrame.length} Per-frame Functional Groups items` : 'no Per-frame Functional Groups';
    return geometryError(
      'missing-attribute',
      `${whose}: ${frameCount} frames but ${has} ${formatTag(PerFrameFunctionalGroupsSequence)}: the frames cannot be placed`,
    );
  }

  const frames: FrameGeometry[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    const source: FrameSource = { ...base, frame };
    const own = perFrame?.[frame];
    // The macro's item from the frame's own groups, else the shared groups; else the top level.
    const macro = (seq: number, keyword: string): Macro => {
      const item = firstItem(own, seq) ?? firstItem(shared, seq);
      if (item) return { ds: item, path: '' };
      return { ds, path: perFrame || shared ? `${keyword} ${formatTag(seq)} > ` : '' };
    };
    const planePosition = macro(PlanePositionSequence, 'PlanePositionSequence');
    const planeOrientation = macro(PlaneOrientationSequence, 'PlaneOrientationSequence');
    const pixelMeasures = macro(PixelMeasuresSequence, 'PixelMeasuresSequence');
    const f = frameGeometry(planePosition, planeOrientation, pixelMeasures, {
      rows,
      columns,
      frameOfReferenceUID: getString(ds, FrameOfReferenceUID) ?? '',
      source,
    });
    if (!f.ok) return f;
    frames.push(f.value);
  }
  return { ok: true, value: frames };
};

/**
 * The frames of a series (or any set of instances), in the order given; `source.instance` is the
 * index in `headers`. Fails on the first instance whose geometry cannot be read.
 */
export const seriesFrames = (headers: readonly Header[]): Result<FrameGeometry[], GeometryError> => {
  const all: FrameGeometry[] = [];
  for (const [i, h] of headers.entries()) {
    const r = instanceFrames(h, i);
    if (!r.ok) return r;
    all.push(...r.value);
  }
  return { ok: true, value: all };
};

/** Where a frame's attributes are: a functional group item or the top level; `path` names it when not found. */
interface Macro {
  ds: Dataset;
  path: string;
}

const frameGeometry = (
  position: Macro,
  orientation: Macro,
  measures: Macro,
  rest: Pick<FrameGeometry, 'rows' | 'columns' | 'frameOfReferenceUID' | 'source'>,
): Result<FrameGeometry, GeometryError> => {
  const whose = describeSource(rest.source);
  const ipp = decimalsOf(position.ds.get(ImagePositionPatient));
  if (!ipp) return missingOrInvalid(whose, position, ImagePositionPatient, 'ImagePositionPatient', 'its position');
  if (ipp.length !== 3) return invalid(whose, 'ImagePositionPatient', ImagePositionPatient, ipp, 'needs 3 values');
  const iop = decimalsOf(orientation.ds.get(ImageOrientationPatient));
  if (!iop)
    return missingOrInvalid(whose, orientation, ImageOrientationPatient, 'ImageOrientationPatient', 'its orientation');
  if (iop.length !== 6)
    return invalid(whose, 'ImageOrientationPatient', ImageOrientationPatient, iop, 'needs 6 values');
  const cosines = orthonormal([iop[0]!, iop[1]!, iop[2]!], [iop[3]!, iop[4]!, iop[5]!]);
  if (!cosines) {
    return invalid(
      whose,
      'ImageOrientationPatient',
      ImageOrientationPatient,
      iop,
      'is not two perpendicular unit vectors',
    );
  }
  const spacing = decimalsOf(measures.ds.get(PixelSpacing));
  if (!spacing) return missingOrInvalid(whose, measures, PixelSpacing, 'PixelSpacing', 'the size of its pixels');
  if (spacing.length !== 2 || !spacing.every((s) => s > 0)) {
    return invalid(whose, 'PixelSpacing', PixelSpacing, spacing, 'needs 2 positive values');
  }
  const thickness = decimalsOf(measures.ds.get(SliceThickness))?.[0];
  return {
    ok: true,
    value: {
      imagePositionPatient: [ipp[0]!, ipp[1]!, ipp[2]!],
      ...cosines,
      pixelSpacing: [spacing[0]!, spacing[1]!],
      ...rest,
      ...optional('sliceThickness', thickness !== undefined && thickness > 0 ? thickness : undefined),
    },
  };
};

/**
 * The row and column direction cosines as an orthonormal pair, and their normal. PS3.3
 * C.7.6.2.1.1 requires unit, perpendicular vectors; written with few decimals they are only
 * nearly so. Small rounding is removed (the row direction kept, the column direction made
 * perpendicular to it) so that projecting onto the plane is the exact inverse of placing a pixel.
 */
const orthonormal = (
  row: Vec3,
  column: Vec3,
): Pick<FrameGeometry, 'rowCosines' | 'columnCosines' | 'normal'> | undefined => {
  const r = normalize(row);
  const c = normalize(column);
  if (!r || !c) return undefined;
  const off = [Math.abs(Math.hypot(...row) - 1), Math.abs(Math.hypot(...column) - 1), Math.abs(dot(r, c))];
  if (off.some((x) => x > ORTHONORMAL_TOLERANCE)) return undefined;
  const columnCosines = normalize(sub(c, scale(r, dot(r, c))))!;
  return { rowCosines: r, columnCosines, normal: cross(r, columnCosines) };
};

const optional = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };

const missingOrInvalid = (whose: string, m: Macro, t: number, keyword: string, what: string) =>
  m.ds.has(t)
    ? geometryError('invalid-attribute', `${whose}: ${keyword} ${formatTag(t)} has no usable value`)
    : geometryError(
        'missing-attribute',
        `${whose}: ${m.path}${keyword} ${formatTag(t)} is missing, so ${what} is unknown`,
      );

const invalid = (whose: string, keyword: string, t: number, values: number[], why: string) =>
  geometryError(
    'invalid-attribute',
    `${whose}: ${keyword} ${formatTag(t)} ${values.map((v) => formatNumber(v, 6)).join('\\')} ${why}`,
  );
