/**
 * Turns a decoded frame into the pictures OCR reads best: 8-bit grey, dark text on a light ground,
 * glyphs large enough for the recognizer. Device text is small, light on dark, often coloured
 * (yellow or cyan over grey ultrasound) and sometimes faint, so one frame gives several pictures
 * ("passes"), each bringing out one kind of text:
 * - `luminance`: the frame as seen, windowed min..max (a >8-bit monochrome frame in full range);
 * - `bright`: >8-bit monochrome only, the top of the range: text burned in at the maximum value
 *   over bright anatomy;
 * - `chroma`: colour frames with colour in them, max − min of the channels: coloured text over a
 *   grey image stands alone there;
 * - `contrast`: local contrast, thresholded, for faint text on a gradient or noisy ground (only
 *   when the ground is not flat, unless asked for).
 * Each picture is inverted when its ground is dark and upscaled when glyphs are likely small.
 */

import type { DecodedFrame } from '../codecs/DecodedFrame.ts';
import type { GreyImage } from './ocr.ts';
import { entryOf, type Palette } from './palette.ts';

/** Which pass a picture comes from. */
export type PassName = 'luminance' | 'bright' | 'chroma' | 'contrast';

/** One picture for OCR, `scale` times the frame's size. */
export interface Pass {
  name: PassName;
  image: GreyImage;
  scale: number;
}

/** How to prepare a frame. */
export interface PreprocessOptions {
  /** The palette of a PALETTE COLOR frame. */
  palette?: Palette;
  /** Upscaling factor; by default 3 up to 400 pixels, 2 up to 1100, else 1. */
  scale?: number;
  /** Which passes to make (default: every pass that applies to the frame). */
  passes?: readonly PassName[];
}

/** The upscaling factor for a frame: small frames have small glyphs (×2–3 brings them to ~20 px). */
export const defaultScale = (columns: number, rows: number): number => {
  const size = Math.max(columns, rows);
  return size <= 400 ? 3 : size <= 1100 ? 2 : 1;
};

/** The frame as 8-bit planes: luminance always, chroma when it is in colour. */
export interface Planes {
  width: number;
  height: number;
  luminance: Uint8Array;
  /** max − min of the channels (0 for grey); undefined for monochrome frames. */
  chroma?: Uint8Array;
  /** >8-bit monochrome: the top of the range stretched (see `bright`). */
  bright?: Uint8Array;
}

/** Linear map of [lo, hi] onto 0..255, clamped. */
const windowed = (px: ArrayLike<number>, n: number, lo: number, hi: number): Uint8Array => {
  const out = new Uint8Array(n);
  const span = hi - lo || 1;
  for (let i = 0; i < n; i++) {
    const v = ((px[i]! - lo) * 255) / span;
    out[i] = Math.max(0, Math.min(v, 255));
  }
  return out;
};

/** The value below which `fraction` of the samples lie (over a 4096-bin histogram of [min, max]). */
const percentile = (px: ArrayLike<number>, n: number, min: number, max: number, fraction: number): number => {
  const bins = 4096;
  const hist = new Uint32Array(bins);
  const span = max - min || 1;
  for (let i = 0; i < n; i++) hist[Math.min(bins - 1, Math.floor(((px[i]! - min) * bins) / span))]!++;
  let acc = 0;
  const target = fraction * n;
  for (let b = 0; b < bins; b++) {
    acc += hist[b]!;
    if (acc >= target) return min + (b * span) / bins;
  }
  return max;
};

/** Splits a decoded frame into 8-bit planes. */
export const planesOf = (frame: DecodedFrame, palette?: Palette): Planes => {
  const { rows: height, columns: width, pixels: px } = frame;
  const n = width * height;
  if (frame.samplesPerPixel === 1 && frame.photometric === 'PALETTE COLOR' && palette) {
    const luminance = new Uint8Array(n);
    const chroma = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const e = entryOf(palette, px[p]!);
      const r = palette.red[e]!;
      const g = palette.green[e]!;
      const b = palette.blue[e]!;
      luminance[p] = (299 * r + 587 * g + 114 * b) / 1000;
      chroma[p] = Math.max(r, g, b) - Math.min(r, g, b);
    }
    return { width, height, luminance, chroma };
  }
  if (frame.samplesPerPixel === 1) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < n; p++) {
      const v = px[p]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const luminance = windowed(px, n, min, max);
    if (frame.bitsAllocated <= 8 || max - min < 256) return { width, height, luminance };
    // Text burned in at (or near) the top of a wide range: window the brightest 1% onto the scale.
    const lo = percentile(px, n, min, max, 0.99);
    return { width, height, luminance, bright: lo < max ? windowed(px, n, lo, max) : undefined };
  }
  // Three samples: RGB, or YBR_FULL as native and RLE frames keep it (Y is luminance already).
  const top = 2 ** frame.bitsAllocated - 1;
  const k = 255 / (frame.bitsAllocated > 8 ? top : 255);
  const luminance = new Uint8Array(n);
  const chroma = new Uint8Array(n);
  const ybr = frame.photometric.startsWith('YBR');
  const mid = (top + 1) / 2;
  for (let p = 0; p < n; p++) {
    const a = px[p * 3]!;
    const b = px[p * 3 + 1]!;
    const c = px[p * 3 + 2]!;
    if (ybr) {
      luminance[p] = Math.min(255, a * k);
      chroma[p] = Math.min(255, 2 * k * Math.max(Math.abs(b - mid), Math.abs(c - mid)));
    } else {
      luminance[p] = Math.min(255, ((299 * a + 587 * b + 114 * c) / 1000) * k);
      chroma[p] = Math.min(255, (Math.max(a, b, c) - Math.min(a, b, c)) * k);
    }
  }
  return { width, height, luminance, chroma };
};

/** Whether a plane has anything in it: a grey image stored as RGB has a flat, empty chroma plane. */
const hasSignal = (plane: Uint8Array): boolean => {
  let strong = 0;
  for (let i = 0; i < plane.length; i++) if (plane[i]! >= 48) strong++;
  return strong >= 8;
};

/** Whether a plane's ground (its median) is dark: then its text is light and must be inverted. */
const darkGround = (plane: Uint8Array): boolean => {
  const hist = new Uint32Array(256);
  for (let i = 0; i < plane.length; i++) hist[plane[i]!]!++;
  let acc = 0;
  let median = 0;
  for (; median < 256; median++) {
    acc += hist[median]!;
    if (acc * 2 >= plane.length) break;
  }
  return median < 128;
};

/**
 * Whether a plane has a flat ground: half its pixels within ±12 of the median (black borders,
 * screenshots, the dark outside of an ultrasound sector). Text on such a ground stands out as it
 * is; the contrast pass is for grounds that are not flat (gradients, noise).
 */
const flatGround = (plane: Uint8Array): boolean => {
  const hist = new Uint32Array(256);
  for (let i = 0; i < plane.length; i++) hist[plane[i]!]!++;
  let acc = 0;
  let median = 0;
  for (; median < 255; median++) {
    acc += hist[median]!;
    if (acc * 2 >= plane.length) break;
  }
  let near = 0;
  for (let v = Math.max(0, median - 12); v <= Math.min(255, median + 12); v++) near += hist[v]!;
  return near * 2 >= plane.length;
};

/** Inverts a plane in place. */
const invert = (plane: Uint8Array): Uint8Array => {
  for (let i = 0; i < plane.length; i++) plane[i] = 255 - plane[i]!;
  return plane;
};

/**
 * Local contrast, thresholded: a pixel is ink when it stands out from the mean of a window around
 * it (an integral image) by more than `threshold`, in the text's polarity. The result is already
 * black on white: Tesseract's global (Otsu) threshold would split a noisy ground in two, and a
 * gradient puts faint text on both sides of any single threshold.
 */
const localContrast = (
  plane: Uint8Array,
  width: number,
  height: number,
  lightText: boolean,
  radius = 12,
  threshold = 32,
): Uint8Array => {
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += plane[y * width + x]!;
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1]! + row;
    }
  }
  const out = new Uint8Array(plane.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const s = sum[y1 * w1 + x1]! - sum[y0 * w1 + x1]! - sum[y1 * w1 + x0]! + sum[y0 * w1 + x0]!;
      const d = plane[y * width + x]! - s / ((y1 - y0) * (x1 - x0));
      out[y * width + x] = (lightText ? d : -d) > threshold ? 0 : 255;
    }
  }
  return out;
};

/** A 3×3 mean: pixel noise on a rough ground would otherwise be stretched along with the text. */
const smooth = (plane: Uint8Array, width: number, height: number): Uint8Array => {
  const out = new Uint8Array(plane.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          s += plane[yy * width + xx]!;
          n++;
        }
      out[y * width + x] = s / n;
    }
  return out;
};

/** Bilinear upscaling by an integer factor. */
export const upscale = (plane: Uint8Array, width: number, height: number, s: number): GreyImage => {
  if (s === 1) return { width, height, data: plane };
  const W = width * s;
  const H = height * s;
  const out = new Uint8Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    const fy = Math.max(0, (Y + 0.5) / s - 0.5);
    const y0 = Math.min(height - 1, Math.floor(fy));
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let X = 0; X < W; X++) {
      const fx = Math.max(0, (X + 0.5) / s - 0.5);
      const x0 = Math.min(width - 1, Math.floor(fx));
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      const a = plane[y0 * width + x0]! * (1 - wx) + plane[y0 * width + x1]! * wx;
      const b = plane[y1 * width + x0]! * (1 - wx) + plane[y1 * width + x1]! * wx;
      out[Y * W + X] = a * (1 - wy) + b * wy + 0.5;
    }
  }
  return { width: W, height: H, data: out };
};

/** The OCR pictures for one frame (see the module comment). */
export const passesOf = (frame: DecodedFrame, options: PreprocessOptions = {}): Pass[] => {
  const planes = planesOf(frame, options.palette);
  const { width, height } = planes;
  const scale = options.scale ?? defaultScale(width, height);
  const want = (p: PassName) => !options.passes || options.passes.includes(p);
  const make = (name: PassName, plane: Uint8Array, inverted: boolean): Pass => ({
    name,
    scale,
    image: upscale(inverted ? invert(plane) : plane, width, height, scale),
  });
  // Light text on a dark ground is the usual case; the contrast plane (centred on mid-grey) has
  // the polarity of the luminance it comes from. Bright and chroma planes always have a dark ground.
  const lightText = darkGround(planes.luminance);
  const out: Pass[] = [];
  if (want('luminance')) out.push(make('luminance', planes.luminance.slice(), lightText));
  if (want('bright') && planes.bright && hasSignal(planes.bright)) out.push(make('bright', planes.bright, true));
  if (want('chroma') && planes.chroma && hasSignal(planes.chroma)) out.push(make('chroma', planes.chroma, true));
  if (want('contrast') && (options.passes?.includes('contrast') || !flatGround(planes.luminance)))
    out.push(make('contrast', localContrast(smooth(planes.luminance, width, height), width, height, lightText), false));
  return out;
};
