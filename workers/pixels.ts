import charls from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegTurbo from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjpeg from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjph from '@cornerstonejs/codec-openjph/wasm?url';
import type { DicomFile } from '../src/dicom/read.ts';
import { numberOf, stringOf } from '../src/dicom/values.ts';
import { type DecodedFrame, decodeFrame as decodePixels, setWasmUrls } from '../src/pixels/codecs/index.ts';
import type { Frame, FrameResult } from './api.ts';

/**
 * The viewer's pixel source: any frame decodeFrame can decode (native or compressed), turned into
 * what the canvas needs: grey images as modality values (Rescale Slope/Intercept applied), colour
 * images as 8-bit RGB.
 */

// In the browser the codecs' WebAssembly is served from our own origin: Vite emits each .wasm
// into dist/ for these `?url` imports, and the worker fetches it under the CSP's 'self' when a
// codec is first needed. Node (tests) has neither window nor WorkerGlobalScope and leaves the
// glue to read the files from node_modules.
if (
  typeof window !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined'
) {
  setWasmUrls({ charls, 'libjpeg-turbo': libjpegTurbo, openjpeg, openjph });
}

const firstNumber = (s: string | undefined): number | undefined => {
  const v = Number((s ?? '').split('\\')[0]);
  return s && Number.isFinite(v) ? v : undefined;
};

/** Decodes frame `index` (clamped to the frames there are) for display. */
export const decodeFrame = async (f: DicomFile, index: number): Promise<FrameResult> => {
  const ds = f.dataset;
  const le = f.transferSyntax.littleEndian;
  if (!ds.get(0x7fe00010)?.value) return { ok: false, reason: 'this file has no image' };
  const frames = Math.max(1, numberOf(ds.get(0x00280008), le) ?? 1);
  const r = await decodePixels(f, Math.min(Math.max(0, index), frames - 1));
  if (!r.ok) return { ok: false, reason: r.error.message };
  const d = r.value;
  if (d.samplesPerPixel === 3) {
    const stored = numberOf(ds.get(0x00280101), le) ?? d.bitsAllocated;
    return colour(d, frames, stored);
  }
  if (d.samplesPerPixel !== 1)
    return { ok: false, reason: `${d.samplesPerPixel} samples per pixel cannot be previewed` };

  const slope = firstNumber(stringOf(ds.get(0x00281053))) ?? 1;
  const intercept = firstNumber(stringOf(ds.get(0x00281052))) ?? 0;
  const n = d.rows * d.columns;
  const px = d.pixels;
  const out = new Float32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < n; p++) {
    const m = px[p]! * slope + intercept;
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
      width: d.columns,
      height: d.rows,
      frames,
      kind: 'mono',
      pixels: out,
      invert: d.photometric === 'MONOCHROME1',
      window,
      min,
      max,
    },
  };
};

/** Colour samples as 8-bit RGB for the canvas: deeper samples are shifted down to their top 8 bits. */
const colour = (d: DecodedFrame, frames: number, bitsStored: number): FrameResult => {
  if (d.photometric !== 'RGB' && d.photometric !== 'YBR_FULL')
    return { ok: false, reason: `colour model ${d.photometric} cannot be previewed yet` };
  const shift = Math.max(0, Math.min(bitsStored, d.bitsAllocated) - 8);
  const rgb = new Uint8Array(d.pixels.length);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, d.pixels[i]!) / 2 ** shift;
  if (d.photometric === 'YBR_FULL') ybrToRgb(rgb);
  const frame: Frame = {
    width: d.columns,
    height: d.rows,
    frames,
    kind: 'rgb',
    pixels: rgb,
    invert: false,
    window: { center: 127.5, width: 256 },
    min: 0,
    max: 255,
  };
  return { ok: true, frame };
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
