/**
 * Blacking out boxes in decoded frames, in memory. Frames come as decodeFrame gives them
 * (interleaved samples whatever the file's Planar Configuration, YBR_FULL_422 widened to
 * YBR_FULL, JPEG colour already RGB), so one loop serves every layout. Every sample outside the
 * boxes is left exactly as it was: the output is a copy, the input (often a view of the file) is
 * never written.
 */

import { type DecodedFrame, newSamples, type Samples } from '../codecs/DecodedFrame.ts';
import { clipToFrame, type Rect } from './Box.ts';
import { darkestIndex, type Palette } from './palette.ts';

/** What redaction needs beyond the frames. */
export interface RedactOptions {
  /** The palette of a PALETTE COLOR image: boxes get the index of its darkest colour. */
  palette?: Palette;
}

/**
 * The samples that show black, per sample of a pixel (PS3.3 C.7.6.3.1.2):
 * - MONOCHROME2: the smallest value in the frame; MONOCHROME1 (inverted grey): the largest.
 *   Values already in the frame stay inside any window a viewer picks from them;
 * - RGB: 0, 0, 0; YBR_FULL: Y 0 with neutral chroma (half the range), which is RGB black;
 * - PALETTE COLOR: the index of the darkest palette entry.
 */
export const blackOf = (frame: DecodedFrame, options: RedactOptions = {}): number[] => {
  const px = frame.pixels;
  if (frame.samplesPerPixel === 3) {
    if (!frame.photometric.startsWith('YBR')) return [0, 0, 0];
    const mid = 2 ** (Math.min(frame.bitsAllocated, 16) - 1);
    return [0, mid, mid];
  }
  if (frame.photometric === 'PALETTE COLOR' && options.palette) return [darkestIndex(options.palette)];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < px.length; i++) {
    const v = px[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return [0];
  return [frame.photometric === 'MONOCHROME1' ? max : min];
};

/** A frame's samples copied, so the original (a view of the file) stays untouched. */
const copyOf = (frame: DecodedFrame): Samples => {
  const out = newSamples(frame.pixels.length, frame.bitsAllocated, frame.signed);
  out.set(frame.pixels);
  return out;
};

/** Sets every sample of the boxes to black in a copy of one frame. */
export const redactFrame = (frame: DecodedFrame, boxes: readonly Rect[], options: RedactOptions = {}): DecodedFrame => {
  const out = copyOf(frame);
  const black = blackOf(frame, options);
  const spp = frame.samplesPerPixel;
  for (const b of boxes) {
    const r = clipToFrame(b, frame.columns, frame.rows);
    for (let y = r.y; y < r.y + r.height; y++) {
      const row = (y * frame.columns + r.x) * spp;
      for (let i = 0; i < r.width * spp; i += spp) for (let s = 0; s < spp; s++) out[row + i + s] = black[s]!;
    }
  }
  return { ...frame, pixels: out };
};

/**
 * Redacts every frame with its boxes: `boxes[i]` for frame i, or one list for all. Boxes marked
 * `keep` (allow-listed text) are left alone.
 */
export const redactFrames = (
  frames: readonly DecodedFrame[],
  boxes: readonly (readonly (Rect & { keep?: boolean })[])[] | readonly (Rect & { keep?: boolean })[],
  options: RedactOptions = {},
): DecodedFrame[] => {
  const perFrame = (i: number): readonly (Rect & { keep?: boolean })[] => {
    const first = boxes[0];
    if (first === undefined) return [];
    return Array.isArray(first)
      ? ((boxes as readonly (readonly Rect[])[])[i] ?? [])
      : (boxes as readonly (Rect & { keep?: boolean })[]);
  };
  return frames.map((f, i) =>
    redactFrame(
      f,
      perFrame(i).filter((b) => !b.keep),
      options,
    ),
  );
};
