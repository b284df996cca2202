import type { Dataset } from '../../dicom/Dataset.ts';
import type { Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { getString, numberOf } from '../../dicom/values.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import { decodeFrame } from '../codecs/index.ts';
import { imagePixelOf, nativeFrame } from '../frames.ts';
import {
  decimalsOf,
  firstItem,
  PerFrameFunctionalGroupsSequence,
  SharedFunctionalGroupsSequence,
} from '../geometry/attributes.ts';
import type { FrameGeometry } from '../geometry/FrameGeometry.ts';
import { seriesFrames } from '../geometry/readFrames.ts';
import { assembleVolume, type Volume } from '../geometry/Volume.ts';
import { type Rescale, type Voxels, voxelsOf } from './Voxels.ts';

/** A series read for defacing: its volume, the stored frames (in volume order, writable) and the voxels. */
export interface SeriesPixels {
  volume: Volume;
  /** One stored frame per slice, in `volume.frames` order: the fill is written into these. */
  frames: Samples[];
  voxels: Voxels;
}

/** Why a series could not be read into voxels, in words. */
export interface VoxelError {
  message: string;
}

const MODALITY = 0x00080060;
const RESCALE_INTERCEPT = 0x00281052;
const RESCALE_SLOPE = 0x00281053;
const PIXEL_PADDING_VALUE = 0x00280120;
/** Pixel Value Transformation Sequence (0028,9145): the rescale of enhanced CT and MR frames (PS3.3 C.7.6.16.2.9). */
const PIXEL_VALUE_TRANSFORMATION = 0x00289145;

/** A CT or MR series as one volume, not yet decoded: the geometry and the modality. */
export interface SeriesVolume {
  volume: Volume;
  modality: 'CT' | 'MR';
}

/** Assembles the frames of a CT or MR series (classic or enhanced multi-frame) into one volume. */
export const seriesVolume = (files: readonly DicomFile[]): Result<SeriesVolume, VoxelError> =>
  assembleSeries(seriesFrames(files), (i) => modalityOf(files[i]!));

/** A file's Modality (0008,0060), trimmed; '' when absent. */
export const modalityOf = (file: DicomFile): string => (getString(file.dataset, MODALITY) ?? '').trim();

/**
 * `seriesVolume` from frames already read (`seriesFrames`, or a series' headers read one file at a
 * time) and each instance's Modality.
 */
export const assembleSeries = (
  frames: Result<FrameGeometry[], VoxelError>,
  modalityOfInstance: (instance: number) => string,
): Result<SeriesVolume, VoxelError> => {
  if (!frames.ok) return frames;
  const assembled = assembleVolume(frames.value);
  if (!assembled.ok) return assembled;
  const volume = assembled.value;
  const modality = modalityOfInstance(volume.frames[0]!.source.instance);
  if (modality !== 'CT' && modality !== 'MR')
    return { ok: false, error: { message: `Modality ${modality || '(none)'}: only CT and MR heads are defaced` } };
  return { ok: true, value: { volume, modality } };
};

/**
 * The rescale of one frame: the Pixel Value Transformation of its own functional groups, else the
 * shared ones, else the top level (classic images); identity when none is given (MR).
 */
const rescaleOf = (file: DicomFile, frame: number, bitsStored: number, signed: boolean): Rescale => {
  const ds = file.dataset;
  const le = file.transferSyntax.littleEndian;
  const own = ds.get(PerFrameFunctionalGroupsSequence)?.items?.[frame];
  const shared = firstItem(ds, SharedFunctionalGroupsSequence);
  const where: Dataset =
    firstItem(own, PIXEL_VALUE_TRANSFORMATION) ?? firstItem(shared, PIXEL_VALUE_TRANSFORMATION) ?? ds;
  const padding = numberOf(ds.get(PIXEL_PADDING_VALUE), le);
  return {
    slope: decimalsOf(where.get(RESCALE_SLOPE))?.[0] ?? 1,
    intercept: decimalsOf(where.get(RESCALE_INTERCEPT))?.[0] ?? 0,
    storedMin: signed ? -(2 ** (bitsStored - 1)) : 0,
    storedMax: signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1,
    ...(padding === undefined ? {} : { paddingValue: padding }),
  };
};

const sameRescale = (a: Rescale, b: Rescale): boolean =>
  a.slope === b.slope &&
  a.intercept === b.intercept &&
  a.storedMin === b.storedMin &&
  a.storedMax === b.storedMax &&
  a.paddingValue === b.paddingValue;

/**
 * The rescale of each frame of a file, from its header alone (so a series can be checked before
 * any frame is decoded): fails when its Image Pixel module cannot be read or it is in colour.
 */
export const frameRescales = (file: DicomFile): Result<Rescale[], VoxelError> => {
  const px = imagePixelOf(file);
  if (!px.ok) return px;
  if (px.value.samplesPerPixel !== 1) return { ok: false, error: { message: 'colour images are not defaced' } };
  const { bitsStored, signed } = px.value;
  return {
    ok: true,
    value: Array.from({ length: Math.max(1, px.value.numberOfFrames) }, (_, f) =>
      rescaleOf(file, f, bitsStored, signed),
    ),
  };
};

/**
 * The one rescale every slice of a volume shares (`rescalesOf(instance)`: that instance's frames',
 * `frameRescales`): the fill is written back as one stored value.
 */
export const sharedRescale = (
  volume: Volume,
  rescalesOf: (instance: number) => Result<Rescale[], VoxelError>,
): Result<Rescale, VoxelError> => {
  let rescale: Rescale | undefined;
  for (const [k, f] of volume.frames.entries()) {
    const all = rescalesOf(f.source.instance);
    if (!all.ok) return all;
    const r = all.value[f.source.frame];
    if (!r)
      return { ok: false, error: { message: `slice ${k + 1} is frame ${f.source.frame + 1} of a file with fewer` } };
    if (!rescale) rescale = r;
    else if (!sameRescale(rescale, r))
      return {
        ok: false,
        error: {
          message: `the slices differ in Rescale Slope/Intercept, Pixel Padding Value or stored range (slice ${k + 1}): the cut could not be filled with one value`,
        },
      };
  }
  if (!rescale) return { ok: false, error: { message: 'no slices' } };
  return { ok: true, value: rescale };
};

/**
 * Voxels from decoded frames (one per slice, in `volume.frames` order, as `decodeFrame` returns
 * them). Every slice must share one rescale: the fill is written back as one stored value.
 */
export const voxelsFromFrames = (
  files: readonly DicomFile[],
  series: SeriesVolume,
  frames: Samples[],
): Result<SeriesPixels, VoxelError> => {
  const { volume, modality } = series;
  if (frames.length !== volume.frames.length)
    return { ok: false, error: { message: `${frames.length} decoded frames for ${volume.frames.length} slices` } };
  const rescale = sharedRescale(volume, (i) => frameRescales(files[i]!));
  if (!rescale.ok) return rescale;
  for (const [k, f] of frames.entries())
    if (f.length < volume.rows * volume.columns)
      return { ok: false, error: { message: `slice ${k + 1} decoded to too few samples` } };
  return { ok: true, value: { volume, frames, voxels: voxelsOf(volume, frames, modality, rescale.value) } };
};

/**
 * Reads a CT or MR series with native (uncompressed) Pixel Data into voxels, synchronously: the
 * stored frames are views of the files' bytes. Compressed series go through `decodeVoxels`.
 */
export const readVoxels = (files: readonly DicomFile[]): Result<SeriesPixels, VoxelError> => {
  const series = seriesVolume(files);
  if (!series.ok) return series;
  const stored: Samples[] = [];
  for (const f of series.value.volume.frames) {
    const file = files[f.source.instance]!;
    const px = imagePixelOf(file);
    if (!px.ok) return px;
    const frame = nativeFrame(file, px.value, f.source.frame);
    if (!frame.ok) return frame;
    stored.push(frame.value.pixels);
  }
  return voxelsFromFrames(files, series.value, stored);
};

/**
 * Decodes every slice of an assembled series through `decodeFrame` (native frames as views of the
 * files, compressed ones into new arrays), in volume order. The first failure stops it, named.
 */
export const decodeSlices = async (
  files: readonly DicomFile[],
  volume: Volume,
): Promise<Result<Samples[], VoxelError>> => {
  const out: Samples[] = [];
  for (const f of volume.frames) {
    const r = await decodeFrame(files[f.source.instance]!, f.source.frame);
    if (!r.ok) return r;
    if (r.value.samplesPerPixel !== 1) return { ok: false, error: { message: 'colour images are not defaced' } };
    out.push(r.value.pixels);
  }
  return { ok: true, value: out };
};

/** Reads a CT or MR series in any transfer syntax Veil decodes into voxels. */
export const decodeVoxels = async (files: readonly DicomFile[]): Promise<Result<SeriesPixels, VoxelError>> => {
  const series = seriesVolume(files);
  if (!series.ok) return series;
  const frames = await decodeSlices(files, series.value.volume);
  if (!frames.ok) return frames;
  return voxelsFromFrames(files, series.value, frames.value);
};
