/**
 * Replaces the pixels of a read image with new decoded frames, written native (uncompressed) in
 * Explicit VR Little Endian: the one form every reader accepts, and the only one Veil can write
 * pixels in without an encoder. Used wherever pixels change: defacing, burned-in text removal.
 */

import type { Dataset, Element } from '../../dicom/Dataset.ts';
import type { DicomFile } from '../../dicom/read.ts';
import {
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  type TransferSyntax,
  transferSyntax,
} from '../../dicom/TransferSyntax.ts';
import { getString, numberOf, stringElement, usElement } from '../../dicom/values.ts';
import { HOST_LITTLE_ENDIAN, type Samples } from '../codecs/DecodedFrame.ts';
import { lossyMethodOf } from './lossy.ts';

/** New pixels for an image: one decoded frame per frame of the file (interleaved samples, as `decodeFrame` returns them). */
export interface NewPixels {
  frames: readonly Samples[];
  /**
   * Photometric Interpretation of the new samples when it differs from the file's (a YBR frame
   * decoded to RGB). Required when the file declares a form native pixels cannot have
   * (YBR_FULL_422, YBR_PARTIAL_420, YBR_ICT, YBR_RCT).
   */
  photometric?: string;
  /**
   * Overlay groups (0x6000–0x601E) whose overlay lived in the old pixel words (Overlay Bit
   * Position above High Bit, no Overlay Data). The new samples carry no such bits, so the group's
   * description would point at nothing, or at the text it held: every element of it is removed.
   */
  embeddedOverlayGroups?: readonly number[];
}

/** Why pixels could not be replaced, in words. */
export interface PixelWriteError {
  message: string;
}

const PIXEL_DATA = 0x7fe00010;
/** Extended Offset Table, its Lengths, and Encapsulated Pixel Data Value Total Length: encapsulated only. */
const ENCAPSULATED_ONLY = [0x7fe00001, 0x7fe00002, 0x7fe00003];
const SAMPLES_PER_PIXEL = 0x00280002;
const PHOTOMETRIC = 0x00280004;
const PLANAR_CONFIGURATION = 0x00280006;
const NUMBER_OF_FRAMES = 0x00280008;
const ROWS = 0x00280010;
const COLUMNS = 0x00280011;
const BITS_ALLOCATED = 0x00280100;
const BITS_STORED = 0x00280101;
const HIGH_BIT = 0x00280102;
const PIXEL_REPRESENTATION = 0x00280103;
const SMALLEST_IMAGE_PIXEL = 0x00280106;
const LARGEST_IMAGE_PIXEL = 0x00280107;
const LOSSY_IMAGE_COMPRESSION = 0x00282110;
const LOSSY_RATIO = 0x00282112;
const LOSSY_METHOD = 0x00282114;

/** Image Pixel attributes whose VR is "US or SS", by Pixel Representation (PS3.6). */
const US_OR_SS = [0x00280106, 0x00280107, 0x00280108, 0x00280109, 0x00280120, 0x00280121];

/** Photometric Interpretations that only compressed pixels may declare (PS3.3 C.7.6.3.1.2). */
const COMPRESSED_ONLY = new Set(['YBR_FULL_422', 'YBR_PARTIAL_420', 'YBR_ICT', 'YBR_RCT', 'YBR_PARTIAL_422']);

/**
 * Replaces Pixel Data (7FE0,0010) of `file.dataset` (in place) with `pixels`, native and little
 * endian: OB for 8-bit samples, OW above (PS3.5 §8.1.1, A.2). Bits Allocated, Bits Stored and
 * Pixel Representation stay; High Bit becomes Bits Stored − 1 when the file had its stored bits
 * elsewhere (decoded samples are already shifted down). Planar Configuration becomes 0 for colour.
 * A lossy source keeps that fact: Lossy Image Compression (0028,2110) 01, with its ratio and
 * method added when missing (PS3.3 C.7.6.1.1.5). Returns the transfer syntax to write the file in.
 *
 * Explicit VR Big Endian sources are refused: every other binary value of the data set would need
 * swapping to little endian, and values Veil cannot interpret (UN) cannot be swapped correctly.
 */
export const replacePixelData = (
  file: Pick<DicomFile, 'dataset' | 'transferSyntax'>,
  pixels: NewPixels,
): { ok: true; value: TransferSyntax } | { ok: false; error: PixelWriteError } => {
  const fail = (message: string) => ({ ok: false as const, error: { message } });
  const ds = file.dataset;
  const source = file.transferSyntax;
  if (source.uid === ExplicitVRBigEndian)
    return fail(
      'its pixels cannot be rewritten: it is Explicit VR Big Endian (retired), and converting every value to little endian is not done',
    );
  if (!HOST_LITTLE_ENDIAN) return fail('writing pixels needs a little-endian machine');
  const le = source.littleEndian;
  const us = (t: number) => numberOf(ds.get(t), le);
  const rows = us(ROWS) ?? 0;
  const columns = us(COLUMNS) ?? 0;
  const spp = us(SAMPLES_PER_PIXEL) ?? 1;
  const bitsAllocated = us(BITS_ALLOCATED) ?? 0;
  const bitsStored = us(BITS_STORED) ?? bitsAllocated;
  const highBit = us(HIGH_BIT) ?? bitsStored - 1;
  const signed = us(PIXEL_REPRESENTATION) === 1;
  const declaredFrames = Math.max(1, Math.floor(us(NUMBER_OF_FRAMES) ?? 1));
  const photometric = pixels.photometric ?? (getString(ds, PHOTOMETRIC) ?? '').trim().toUpperCase();
  if (!rows || !columns) return fail('it has no Rows or Columns: its pixels cannot be rewritten');
  if (![8, 16, 32].includes(bitsAllocated))
    return fail(`Bits Allocated is ${bitsAllocated}: only 8, 16 and 32-bit pixels are rewritten`);
  if (COMPRESSED_ONLY.has(photometric))
    return fail(`native pixels cannot be ${photometric}: the new Photometric Interpretation must be given`);
  if (pixels.frames.length !== declaredFrames)
    return fail(`${pixels.frames.length} new frames for an image of ${declaredFrames}`);
  const perFrame = rows * columns * spp;
  for (const [i, f] of pixels.frames.entries()) {
    if (f.length !== perFrame) return fail(`new frame ${i + 1} has ${f.length} samples; ${perFrame} are needed`);
    if (f.BYTES_PER_ELEMENT * 8 !== bitsAllocated)
      return fail(`new frame ${i + 1} has ${f.BYTES_PER_ELEMENT * 8}-bit samples; Bits Allocated is ${bitsAllocated}`);
  }

  // Lossy history first: the ratio is measured on the compressed value that is about to go.
  const method = lossyMethodOf(source.uid);
  if (method) recordLossy(ds, method, perFrame * declaredFrames * (bitsAllocated / 8), ds.get(PIXEL_DATA));

  const frameBytes = perFrame * (bitsAllocated / 8);
  const value = new Uint8Array(frameBytes * declaredFrames);
  for (const [i, f] of pixels.frames.entries()) {
    value.set(new Uint8Array(f.buffer, f.byteOffset, frameBytes), i * frameBytes);
  }
  ds.set({ tag: PIXEL_DATA, vr: bitsAllocated === 8 ? 'OB' : 'OW', value });
  for (const t of ENCAPSULATED_ONLY) ds.delete(t);
  if (highBit !== bitsStored - 1) ds.set(usElement(HIGH_BIT, bitsStored - 1));
  if (pixels.photometric) ds.set(stringElement(PHOTOMETRIC, pixels.photometric, 'CS'));
  if (spp > 1) ds.set(usElement(PLANAR_CONFIGURATION, 0));
  if (source.uid === ImplicitVRLittleEndian) fixUsOrSs(ds, signed);
  if (pixels.embeddedOverlayGroups?.length) dropGroups(ds, pixels.embeddedOverlayGroups);
  refreshExtremes(ds, pixels.frames, signed);
  return { ok: true, value: transferSyntax(ExplicitVRLittleEndian) };
};

/**
 * Lossy Image Compression 01, and the ratio and method of this compression when the file lacks
 * them (PS3.3 C.7.6.1.1.5.2): the ratio is the native size over the compressed value's size. What
 * the file already says is kept; a missing one is added only where the other holds at most one
 * value, so the two stay in step (one value per lossy step, in order).
 */
const recordLossy = (ds: Dataset, method: string, nativeBytes: number, compressed: Element | undefined): void => {
  ds.set(stringElement(LOSSY_IMAGE_COMPRESSION, '01', 'CS'));
  const values = (t: number) => (getString(ds, t) ?? '').split('\\').filter((v) => v.trim() !== '').length;
  const ratios = values(LOSSY_RATIO);
  const methods = values(LOSSY_METHOD);
  const size = compressed?.value?.length ?? 0;
  if (ratios === 0 && methods <= 1 && size > 0) {
    // DS holds 16 characters; a few significant digits say all there is to say about a ratio.
    ds.set(stringElement(LOSSY_RATIO, Number((nativeBytes / size).toPrecision(4)).toString(), 'DS'));
  }
  if (methods === 0 && ratios <= 1) ds.set(stringElement(LOSSY_METHOD, method, 'CS'));
};

/** Removes every element of the given groups (the embedded overlays' 60xx descriptions). */
const dropGroups = (ds: Dataset, groups: readonly number[]): void => {
  const gone = new Set(groups);
  for (const e of ds.elements()) if (gone.has(e.tag >>> 16)) ds.delete(e.tag);
};

/** Implicit VR gave "US or SS" attributes the dictionary's US: written explicitly, they must say SS for signed pixels. */
const fixUsOrSs = (ds: Dataset, signed: boolean): void => {
  for (const t of US_OR_SS) {
    const e = ds.get(t);
    if (e && (e.vr === 'US' || e.vr === 'SS')) ds.set({ ...e, vr: signed ? 'SS' : 'US' });
  }
};

/** Smallest and Largest Image Pixel Value, when present, describe the new pixels (PS3.3 C.7.6.3.1). */
const refreshExtremes = (ds: Dataset, frames: readonly Samples[], signed: boolean): void => {
  if (!ds.has(SMALLEST_IMAGE_PIXEL) && !ds.has(LARGEST_IMAGE_PIXEL)) return;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const f of frames)
    for (let i = 0; i < f.length; i++) {
      const s = f[i]!;
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
  if (lo > hi) return;
  // A 16-bit VR holds them; 32-bit images have no room for them in US/SS, so they are dropped.
  const fits = signed ? lo >= -32768 && hi <= 32767 : hi <= 0xffff;
  for (const [t, v] of [
    [SMALLEST_IMAGE_PIXEL, lo],
    [LARGEST_IMAGE_PIXEL, hi],
  ] as const) {
    if (!ds.has(t)) continue;
    if (!fits) {
      ds.delete(t);
      continue;
    }
    const value = new Uint8Array(2);
    new DataView(value.buffer).setUint16(0, v & 0xffff, true);
    ds.set({ tag: t, vr: signed ? 'SS' : 'US', value });
  }
};
