/**
 * Which frames of a static cine must be read back besides its sampled and check frames. OCR of
 * every frame is too slow for a long cine, but comparing pixels is not: on an ultrasound cine the
 * live image stays inside the declared image regions (./regions.ts), and the device's annotation
 * around it (where names, dates and IDs are written) does not change from frame to frame. A frame
 * whose annotation differs from the frames read back on either side of it may show text none of
 * them shows (a name written on frames 40–45 only), so it is read back too (./clean.ts).
 *
 * Outside the regions and outside the redaction boxes (blacked out on every frame anyway), a frame
 * that matches a read-back neighbour within the tolerance cleans up as that neighbour did, and
 * reading it back would prove nothing new. Inside the regions nothing is proved this way: text
 * written over the live image on unread frames is still met only where frames are read.
 */

import type { DecodedFrame } from '../codecs/DecodedFrame.ts';
import { clipToFrame, type Rect } from './Box.ts';

/**
 * A sample differs when it moves by more than an eighth of the frames' value range (31 of 0–255).
 * Lossy JPEG cines carry codec noise into the annotation only in the 8×8 blocks shared with the
 * live image (measured with dcmcjpeg on a region filled with bright speckle: at most 18 levels at
 * the default quality, 41 at quality 75 on a few isolated pixels; 60 and more at quality 50, which
 * then flags frames and costs OCR, failing closed). Text that OCR or a reader can read stands out
 * from its ground by far more. Palette indices are not ordered, so PALETTE COLOR compares exactly.
 */
export const TOLERANCE_SHARE = 1 / 8;

/**
 * A frame differs when at least this many pixels differ, each beside another pixel that differs
 * (8-neighbours). A glyph is strokes: its pixels touch, and even a small one (8 pixels high) has
 * about 15 to 30 of them, an identifying string several glyphs. Codec noise above the tolerance and
 * stray single pixels are isolated specks: they are not counted.
 */
export const MIN_CHANGED_PIXELS = 16;

/** The pixels compared, as indexes (row-major): outside every region and every box. */
const annotationPixels = (
  columns: number,
  rows: number,
  regions: readonly Rect[],
  boxes: readonly Rect[],
): number[] => {
  const hidden = new Uint8Array(columns * rows);
  for (const b of [...regions, ...boxes]) {
    const r = clipToFrame(b, columns, rows);
    for (let y = r.y; y < r.y + r.height; y++) hidden.fill(1, y * columns + r.x, y * columns + r.x + r.width);
  }
  const out: number[] = [];
  for (let p = 0; p < hidden.length; p++) if (!hidden[p]) out.push(p);
  return out;
};

/** The tolerance for these frames: an eighth of their value range (0 for palette indices). */
const toleranceOf = (frames: readonly DecodedFrame[]): number => {
  if (frames[0]?.photometric === 'PALETTE COLOR') return 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const f of frames)
    for (let i = 0; i < f.pixels.length; i++) {
      const v = f.pixels[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return Number.isFinite(min) ? Math.floor((max - min) * TOLERANCE_SHARE) : 0;
};

/**
 * The frames read back next to `i`: the last before it and the first after it (one of them at the
 * ends), nearest first.
 */
const neighbours = (i: number, readBack: readonly number[]): number[] => {
  const before = readBack.filter((r) => r < i).at(-1);
  const after = readBack.find((r) => r > i);
  const both = [before, after].filter((r): r is number => r !== undefined);
  return both.sort((a, b) => Math.abs(a - i) - Math.abs(b - i));
};

/** Whether frame `a` differs from `b`: enough touching pixels of `pixels` moved by more than `tolerance`. */
const differs = (
  a: DecodedFrame,
  b: DecodedFrame,
  pixels: readonly number[],
  tolerance: number,
  moved: Uint8Array,
): boolean => {
  const { columns, rows, samplesPerPixel: spp } = a;
  moved.fill(0);
  const changed: number[] = [];
  for (const p of pixels)
    for (let s = 0; s < spp; s++)
      if (Math.abs(a.pixels[p * spp + s]! - b.pixels[p * spp + s]!) > tolerance) {
        moved[p] = 1;
        changed.push(p);
        break;
      }
  if (changed.length < MIN_CHANGED_PIXELS) return false;
  let touching = 0;
  for (const p of changed) {
    const x = p % columns;
    const y = (p - x) / columns;
    let beside = false;
    for (let dy = -1; dy <= 1 && !beside; dy++)
      for (let dx = -1; dx <= 1 && !beside; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        beside = (dx || dy) !== 0 && nx >= 0 && ny >= 0 && nx < columns && ny < rows && moved[ny * columns + nx] === 1;
      }
    if (beside && ++touching >= MIN_CHANGED_PIXELS) return true;
  }
  return false;
};

/**
 * The frames, other than those read back, whose annotation differs from the frames read back
 * next to them (the last before, the first after): at least MIN_CHANGED_PIXELS touching pixels
 * outside `regions` and `boxes` moved by more than the tolerance. A frame that matches either of
 * them shows what a verified frame shows, and is left out. Ascending frame indexes.
 *
 * Without regions (XA, RF, endoscopy cines, secondary captures) nothing tells the annotation from
 * the live image, which changes on every frame and would flag them all: none is returned, and
 * such cines are read back on their sampled and check frames only, as before.
 */
export const changedFrames = (
  frames: readonly DecodedFrame[],
  readBack: readonly number[],
  boxes: readonly Rect[],
  regions: readonly Rect[],
): number[] => {
  const first = frames[0];
  const known = [...new Set(readBack)].filter((i) => i >= 0 && i < frames.length).sort((a, b) => a - b);
  if (!first || !regions.length || !known.length) return [];
  const pixels = annotationPixels(first.columns, first.rows, regions, boxes);
  const tolerance = toleranceOf(known.map((i) => frames[i]!));
  const moved = new Uint8Array(first.columns * first.rows);
  const out: number[] = [];
  for (let i = 0; i < frames.length; i++)
    if (
      !known.includes(i) &&
      neighbours(i, known).every((r) => differs(frames[i]!, frames[r]!, pixels, tolerance, moved))
    )
      out.push(i);
  return out;
};
