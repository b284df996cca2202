import { type DicomFile, readDicom } from '../../src/dicom/read.ts';
import { getString, numberOf } from '../../src/dicom/values.ts';
import { decodeFrame, type Samples } from '../../src/pixels/codecs/index.ts';
import type { SeriesPixels } from '../../src/pixels/deface/readVoxels.ts';
import { readVoxels } from '../../src/pixels/deface/readVoxels.ts';
import { type Rescale, voxelsOf } from '../../src/pixels/deface/Voxels.ts';
import { imagePixelOf } from '../../src/pixels/frames.ts';
import { decimalsOf } from '../../src/pixels/geometry/attributes.ts';
import { seriesFrames } from '../../src/pixels/geometry/readFrames.ts';
import { assembleVolume } from '../../src/pixels/geometry/Volume.ts';

/**
 * Reads a derived series the way the pipeline will: native pixel data through `readVoxels`;
 * compressed through `decodeFrame` (the WASM codecs of src/pixels/codecs), one frame per slice in
 * volume order, gathered by `voxelsOf`. Throws with the reason (test helper).
 */
export const readSeries = async (bytes: readonly Uint8Array[]): Promise<SeriesPixels> => {
  const files = bytes.map((b, i) => {
    const r = readDicom(b);
    if (!r.ok) throw new Error(`file ${i + 1}: ${r.error.message}`);
    return r.value;
  });
  if (files.every((f) => !f.transferSyntax.encapsulated)) {
    const r = readVoxels(files);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }
  return decodeSeries(files);
};

const decodeSeries = async (files: DicomFile[]): Promise<SeriesPixels> => {
  const geometry = seriesFrames(files);
  if (!geometry.ok) throw new Error(geometry.error.message);
  const assembled = assembleVolume(geometry.value);
  if (!assembled.ok) throw new Error(assembled.error.message);
  const volume = assembled.value;
  const frames: Samples[] = [];
  for (const f of volume.frames) {
    const r = await decodeFrame(files[f.source.instance]!, f.source.frame);
    if (!r.ok) throw new Error(r.error.message);
    frames.push(r.value.pixels);
  }
  const first = files[volume.frames[0]!.source.instance]!;
  const modality = getString(first.dataset, 0x00080060)?.trim();
  if (modality !== 'CT' && modality !== 'MR') throw new Error(`Modality ${modality}: not a CT or MR head`);
  const px = imagePixelOf(first);
  if (!px.ok) throw new Error(px.error.message);
  const { bitsStored: bits, signed } = px.value;
  const ds = first.dataset;
  const padding = numberOf(ds.get(0x00280120), true);
  const rescale: Rescale = {
    slope: decimalsOf(ds.get(0x00281053))?.[0] ?? 1,
    intercept: decimalsOf(ds.get(0x00281052))?.[0] ?? 0,
    storedMin: signed ? -(2 ** (bits - 1)) : 0,
    storedMax: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
    ...(padding === undefined ? {} : { paddingValue: padding }),
  };
  return { volume, frames, voxels: voxelsOf(volume, frames, modality, rescale) };
};
