/**
 * A rectangle of text in a frame, in the frame's own pixel coordinates (column x, row y from the
 * top left, PS3.3 C.7.6.3.1.1 order), and the geometry boxes need: padding, overlap, merging.
 */

import type { RiskKind } from './classify.ts';

/** One box of text found in a frame. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** What OCR read there (PHI when `phi`: show it only on the user's device). */
  text: string;
  /** Tesseract's confidence, 0–100 (the best of the merged readings). */
  confidence: number;
  /** It matches an identity string of the input: "PHI found in pixels". */
  phi: boolean;
  /** The kinds of identifying text read in the box (identity, date, time, ID-like). */
  risks: RiskKind[];
  /** Kept on purpose: allow-listed text (orientation letter, scale mark, unit, probe, depth). */
  keep: boolean;
}

/** A plain rectangle. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Clips a rectangle to a frame of `columns` × `rows`, in whole pixels (nothing outside the frame). */
export const clipToFrame = (b: Rect, columns: number, rows: number): Rect => {
  const x = Math.max(0, Math.floor(b.x));
  const y = Math.max(0, Math.floor(b.y));
  return {
    x,
    y,
    width: Math.max(0, Math.min(columns, Math.ceil(b.x + b.width)) - x),
    height: Math.max(0, Math.min(rows, Math.ceil(b.y + b.height)) - y),
  };
};

/** Whether two rectangles share at least one pixel. */
export const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Intersection over union (0 when apart). */
export const iou = (a: Rect, b: Rect): number => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / (a.width * a.height + b.width * b.height - i);
};

/** The smallest rectangle holding both. */
export const union = (a: Rect, b: Rect): Rect => {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
};

/**
 * Grows a box by a margin proportional to its text height (at least `min` pixels) and clips it to
 * the frame: anti-aliased glyph edges and OCR's tight boxes would otherwise leave readable slivers.
 */
export const pad = <B extends Rect>(b: B, columns: number, rows: number, min = 2): B => {
  const m = Math.max(min, Math.ceil(b.height * 0.2));
  const x = Math.max(0, b.x - m);
  const y = Math.max(0, b.y - m);
  return {
    ...b,
    x,
    y,
    width: Math.min(columns, b.x + b.width + m) - x,
    height: Math.min(rows, b.y + b.height + m) - y,
  };
};

/** Two boxes combined: the union rectangle, the longer reading, every risk, PHI if either. */
const combine = (a: Box, b: Box): Box => ({
  ...union(a, b),
  text: b.text.length > a.text.length ? b.text : a.text,
  confidence: Math.max(a.confidence, b.confidence),
  phi: a.phi || b.phi,
  risks: [...new Set([...a.risks, ...b.risks])],
  keep: a.keep && b.keep,
});

/**
 * Merges overlapping boxes (the same text read by several passes, or words touching) until no two
 * overlap. A kept box that overlaps a blacked-out one stops being kept: the allow-list never
 * shields pixels that also hold other text.
 */
export const mergeBoxes = (boxes: readonly Box[]): Box[] => {
  const out = [...boxes];
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++)
      for (let j = i + 1; j < out.length; j++)
        if (overlaps(out[i]!, out[j]!)) {
          out[i] = combine(out[i]!, out[j]!);
          out.splice(j, 1);
          merged = true;
          break;
        }
  }
  return out.sort((a, b) => a.y - b.y || a.x - b.x);
};
