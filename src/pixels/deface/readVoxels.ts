import type { Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { getString, numberOf } from '../../dicom/values.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import { imagePixelOf, nativeFrame } from '../frames.ts';
import { decimalsOf } from '../geometry/attributes.ts';
import { seriesFrames } from '../geometry/readFrames.ts';
import { assembleVolume, type Volume } from '../geometry/Volume.ts';
import { type Rescale, type Voxels, voxelsOf } from './Voxels.ts';

/** A series read for defacing: its volume, the stored frames (in volume order, writable views) and the voxels. */
export interface SeriesPixels {
  volume: Volume;
  /** One stored frame per slice, in `volume.frames` order: the fill is written into these. */
  frames: Samples[];
  voxels: Voxels;
}

const MODALITY = 0x00080060;
const RESCALE_INTERCEPT = 0x00281052;
const RESCALE_SLOPE = 0x00281053;
const PIXEL_PADDING_VALUE = 0x00280120;

/**
 * Reads a CT or MR series with native (uncompressed) Pixel Data into voxels. Compressed series go
 * through `codecs/decodeFrame` (asynchronous) and `voxelsOf` instead; this adapter is what the
 * tests and the bench use. The stored frames are views of the files' bytes.
 */
export const readVoxels = (files: readonly DicomFile[]): Result<SeriesPixels, { message: string }> => {
  const frames = seriesFrames(files);
  if (!frames.ok) return frames;
  const assembled = assembleVolume(frames.value);
  if (!assembled.ok) return assembled;
  const volume = assembled.value;
  const first = files[volume.frames[0]!.source.instance]!;
  const modality = (getString(first.dataset, MODALITY) ?? '').trim();
  if (modality !== 'CT' && modality !== 'MR')
    return { ok: false, error: { message: `Modality ${modality || '(none)'}: only CT and MR heads are defaced` } };
  const stored: Samples[] = [];
  let rescale: Rescale | undefined;
  for (const f of volume.frames) {
    const file = files[f.source.instance]!;
    const px = imagePixelOf(file);
    if (!px.ok) return px;
    if (px.value.samplesPerPixel !== 1) return { ok: false, error: { message: 'colour images are not defaced' } };
    const frame = nativeFrame(file, px.value, f.source.frame);
    if (!frame.ok) return frame;
    stored.push(frame.value.pixels);
    if (!rescale) {
      const ds = file.dataset;
      const le = file.transferSyntax.littleEndian;
      const bits = px.value.bitsStored;
      const padding = numberOf(ds.get(PIXEL_PADDING_VALUE), le);
      rescale = {
        slope: decimalsOf(ds.get(RESCALE_SLOPE))?.[0] ?? 1,
        intercept: decimalsOf(ds.get(RESCALE_INTERCEPT))?.[0] ?? 0,
        storedMin: px.value.signed ? -(2 ** (bits - 1)) : 0,
        storedMax: px.value.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
        ...(padding === undefined ? {} : { paddingValue: padding }),
      };
    }
  }
  return { ok: true, value: { volume, frames: stored, voxels: voxelsOf(volume, stored, modality, rescale!) } };
};
