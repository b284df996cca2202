import type { DicomFile } from '../src/dicom/read.ts';
import { numberOf, stringOf } from '../src/dicom/values.ts';
import type { Frame, FrameResult } from './api.ts';

/**
 * Decodes one frame of native (uncompressed) Pixel Data for the viewer: grey images to modality
 * values (Rescale Slope/Intercept applied), colour images to 8-bit RGB. Compressed pixels need
 * the codecs of a later step; they get a plain reason instead.
 */

export const COMPRESSED_REASON = 'preview not available for compressed images yet';

const firstNumber = (s: string | undefined): number | undefined => {
  const v = Number((s ?? '').split('\\')[0]);
  return s && Number.isFinite(v) ? v : undefined;
};

export const decodeFrame = (f: DicomFile, index: number): FrameResult => {
  const ds = f.dataset;
  const le = f.transferSyntax.littleEndian;
  const pixel = ds.get(0x7fe00010);
  if (!pixel?.value) return { ok: false, reason: 'this file has no image' };
  if (f.transferSyntax.encapsulated) return { ok: false, reason: COMPRESSED_REASON };
  const rows = numberOf(ds.get(0x00280010), le) ?? 0;
  const cols = numberOf(ds.get(0x00280011), le) ?? 0;
  const bits = numberOf(ds.get(0x00280100), le) ?? 16;
  const stored = numberOf(ds.get(0x00280101), le) ?? bits;
  const spp = numberOf(ds.get(0x00280002), le) ?? 1;
  const signed = (numberOf(ds.get(0x00280103), le) ?? 0) === 1;
  const planar = (numberOf(ds.get(0x00280006), le) ?? 0) === 1;
  const photometric = (stringOf(ds.get(0x00280004)) ?? 'MONOCHROME2').trim().toUpperCase();
  const frames = Math.max(1, numberOf(ds.get(0x00280008), le) ?? 1);
  if (!rows || !cols) return { ok: false, reason: 'the image has no size (Rows/Columns missing)' };
  if (bits !== 8 && bits !== 16 && bits !== 32) return { ok: false, reason: `${bits}-bit pixels cannot be previewed` };
  const n = rows * cols;
  const frameBytes = n * spp * (bits / 8);
  const i = Math.min(Math.max(0, index), frames - 1);
  const start = i * frameBytes;
  if (start + frameBytes > pixel.value.length)
    return { ok: false, reason: 'the pixel data is shorter than the image size' };
  const raw = pixel.value.subarray(start, start + frameBytes);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);

  if (spp === 3) {
    if (bits !== 8) return { ok: false, reason: 'only 8-bit colour images can be previewed' };
    if (photometric !== 'RGB' && photometric !== 'YBR_FULL') {
      return { ok: false, reason: `colour model ${photometric} cannot be previewed yet` };
    }
    const rgb = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = planar ? raw[c * n + p]! : raw[p * 3 + c]!;
    }
    if (photometric === 'YBR_FULL') ybrToRgb(rgb);
    const frame: Frame = {
      width: cols,
      height: rows,
      frames,
      kind: 'rgb',
      pixels: rgb,
      invert: false,
      window: { center: 127.5, width: 256 },
      min: 0,
      max: 255,
    };
    return { ok: true, frame };
  }
  if (spp !== 1) return { ok: false, reason: `${spp} samples per pixel cannot be previewed` };

  const slope = firstNumber(stringOf(ds.get(0x00281053))) ?? 1;
  const intercept = firstNumber(stringOf(ds.get(0x00281052))) ?? 0;
  const out = new Float32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < n; p++) {
    let v: number;
    if (bits === 8) v = signed ? (raw[p]! << 24) >> 24 : raw[p]!;
    else if (bits === 16) v = dv.getUint16(p * 2, le);
    else v = dv.getUint32(p * 4, le);
    if (bits > 8 && stored < bits) {
      // Keep the stored bits only, sign-extending them when the pixels are signed.
      v = signed ? (v << (32 - stored)) >> (32 - stored) : v & ((1 << stored) - 1);
    } else if (signed && bits === 16) v = (v << 16) >> 16;
    else if (signed && bits === 32) v = v | 0;
    const m = v * slope + intercept;
    out[p] = m;
    if (m < min) min = m;
    if (m > max) max = m;
  }
  const wc = firstNumber(stringOf(ds.get(0x00281050)));
  const ww = firstNumber(stringOf(ds.get(0x00281051)));
  const window =
    wc !== undefined && ww !== undefined && ww > 0
      ? { center: wc, width: ww }
      : { center: (min + max) / 2, width: Math.max(1, max - min) };
  return {
    ok: true,
    frame: {
      width: cols,
      height: rows,
      frames,
      kind: 'mono',
      pixels: out,
      invert: photometric === 'MONOCHROME1',
      window,
      min,
      max,
    },
  };
};

/** YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB, in place. */
const ybrToRgb = (px: Uint8Array): void => {
  for (let p = 0; p < px.length; p += 3) {
    const y = px[p]!;
    const cb = px[p + 1]! - 128;
    const cr = px[p + 2]! - 128;
    px[p] = clamp(y + 1.402 * cr);
    px[p + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    px[p + 2] = clamp(y + 1.772 * cb);
  }
};

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
