/**
 * Finding text in an image: each frame's OCR passes (./preprocess.ts) are read, the words judged
 * line by line (./classify.ts), mapped back to the frame, merged across passes and padded.
 * Multi-frame images are sampled (first, quarter, middle, three quarters, last); when the sampled
 * frames show the same layout the union of their boxes applies to every frame, otherwise every
 * frame is read on its own. Reading back a static image also covers frames between the sampled
 * ones (checkFrames).
 */

import { ok, type Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { type DecodedFrame, decodeFrame } from '../codecs/index.ts';
import { imagePixelOf } from '../frames.ts';
import type { OcrAssets } from './assets.ts';
import { type Box, iou, mergeBoxes, pad, type Rect } from './Box.ts';
import { isAllowed, PixelIdentity, type Risk, risksIn } from './classify.ts';
import { recognizeWords, type Word } from './ocr.ts';
import { type Palette, paletteOf } from './palette.ts';
import { type PassName, passesOf } from './preprocess.ts';
import { insideRegions, ultrasoundRegions } from './regions.ts';

/** How to look for text. */
export interface FindOptions {
  /** The identity strings of the input (src/deid/Identity.ts), or a matcher built from them. */
  identity?: readonly string[] | PixelIdentity;
  /** Where the OCR files are (default: ./assets.ts). */
  assets?: OcrAssets;
  /** Which preprocessing passes to run (default: all that apply). */
  passes?: readonly PassName[];
  /** Upscaling factor (default: by frame size, see defaultScale). */
  scale?: number;
  /** Read every frame instead of sampling (default: sample). */
  everyFrame?: boolean;
}

/** What reading a frame needs besides its pixels. */
export interface FrameContext {
  identity?: PixelIdentity;
  palette?: Palette;
  /** Ultrasound image regions; text outside them is annotation. */
  regions: readonly Rect[];
  assets?: OcrAssets;
  passes?: readonly PassName[];
  scale?: number;
}

/** Text found in one image. */
export interface FoundText {
  /** Boxes per frame (index = frame number from 0), padded, merged, in frame pixels. */
  boxes: Box[][];
  /** The sampled frames showed the same layout, so one set of boxes serves every frame. */
  static: boolean;
  /** The frames that were read. */
  read: number[];
  /** "PHI found in pixels": boxes matching an identity string, with their frame ('all' when static). */
  phi: { frame: number | 'all'; box: Box }[];
}

const alnumCount = (s: string): number => (s.match(/[\p{L}\p{N}]/gu) ?? []).length;

/**
 * Whether a word is text rather than noise. Identifying readings count even when unsure (a
 * missed name is worse than a black speck); inside ultrasound image regions speckle makes up
 * "words", so only confident ones count there.
 */
const isText = (w: Word, risky: boolean, inImage: boolean, frameRows: number, scale: number): boolean => {
  if (w.height / scale > frameRows / 4) return false; // a blob, not a glyph line
  const n = alnumCount(w.text);
  if (n === 0) return false;
  if (risky) return w.confidence >= 20;
  if (inImage) return w.confidence >= 75 && n >= 2;
  return w.confidence >= 50 || (n >= 3 && w.confidence >= 35);
};

/** The risks of each word of a line: line-level matches (a date over three words) reach every word they cover. */
const lineRisks = (words: Word[], identity: PixelIdentity | undefined): Risk[][] => {
  let text = '';
  const spans = words.map((w) => {
    const start = text ? text.length + 1 : 0;
    text = text ? `${text} ${w.text}` : w.text;
    return [start, start + w.text.length] as const;
  });
  const out = words.map((w) => risksIn(w.text, identity));
  for (const r of risksIn(text, identity)) {
    // Find every place this match occurs in the line and give it to the words under it.
    let from = 0;
    for (;;) {
      const at = text.indexOf(r.match, from);
      if (at < 0) break;
      spans.forEach(([s, e], i) => {
        if (s < at + r.match.length && at < e && !out[i]!.some((x) => x.kind === r.kind)) out[i]!.push(r);
      });
      from = at + 1;
    }
  }
  return out;
};

/**
 * Identifying words get one more glyph's width on each side: OCR often reads a long number or a
 * name with its first or last characters missing ("24030" for "20240301"), and the box follows
 * what it read.
 */
const widen = (b: Box, columns: number): Box => {
  if (!b.risks.length) return b;
  const g = Math.ceil(b.height * 0.7);
  const x = Math.max(0, b.x - g);
  return { ...b, x, width: Math.min(columns, b.x + b.width + g) - x };
};

/** Reads one decoded frame: its boxes (merged, padded), or why OCR could not run. */
export const readFrame = async (frame: DecodedFrame, ctx: FrameContext): Promise<Result<Box[]>> => {
  const boxes: Box[] = [];
  const passes = passesOf(frame, { palette: ctx.palette, passes: ctx.passes, scale: ctx.scale });
  for (const pass of passes) {
    const words = await recognizeWords(pass.image, ctx.assets);
    if (!words.ok) return words;
    const lines = new Map<string, Word[]>();
    for (const w of words.value) lines.set(w.line, [...(lines.get(w.line) ?? []), w]);
    for (const line of lines.values()) {
      const risks = lineRisks(line, ctx.identity);
      const lineRisky = risks.some((r) => r.length > 0);
      line.forEach((w, i) => {
        const s = pass.scale;
        const rect: Rect = {
          x: Math.floor(w.x / s),
          y: Math.floor(w.y / s),
          width: Math.ceil((w.x + w.width) / s) - Math.floor(w.x / s),
          height: Math.ceil((w.y + w.height) / s) - Math.floor(w.y / s),
        };
        const mine = risks[i]!;
        const inImage = ctx.regions.length > 0 && insideRegions(rect, ctx.regions);
        if (!isText(w, mine.length > 0, inImage, frame.rows, s)) return;
        boxes.push({
          ...rect,
          text: w.text,
          confidence: w.confidence,
          phi: mine.some((r) => r.kind === 'identity'),
          risks: [...new Set(mine.map((r) => r.kind))],
          keep: !lineRisky && w.confidence >= 50 && isAllowed(w.text),
        });
      });
    }
  }
  return ok(mergeBoxes(boxes.map((b) => pad(widen(b, frame.columns), frame.columns, frame.rows))));
};

/** The frames sampled from a multi-frame image: first, quarter, middle, three quarters, last. */
export const sampleFrames = (count: number): number[] =>
  [...new Set([0, Math.floor(count / 4), Math.floor(count / 2), Math.floor((3 * count) / 4), count - 1])]
    .filter((i) => i >= 0 && i < count)
    .sort((a, b) => a - b);

/**
 * The frames a static image is read back on besides its sampled ones: the midpoint between each
 * two neighbouring sampled frames, so none of them helped decide the boxes (four at most: 12,
 * 37, 62 and 87 of a 100-frame cine, whose last frame is sampled and read back as well). Text
 * that differs there disproves the static layout that finding assumed (./clean.ts).
 */
export const checkFrames = (count: number, sampled: readonly number[] = sampleFrames(count)): number[] =>
  sampled
    .slice(1)
    .map((b, i) => Math.floor((sampled[i]! + b) / 2))
    .filter((m) => !sampled.includes(m));

/** Share of boxes in `a` that have a counterpart (IoU ≥ 0.3) in `b`; 1 when `a` is empty. */
const matchedShare = (a: readonly Box[], b: readonly Box[]): number =>
  a.length === 0 ? 1 : a.filter((x) => b.some((y) => iou(x, y) >= 0.3)).length / a.length;

/**
 * Whether sampled frames show one layout: every pair matches at least 80% of its boxes both ways.
 * A running clock or frame counter changes text but not layout, so boxes are compared by place.
 */
export const isStatic = (frames: readonly (readonly Box[])[]): boolean =>
  frames.every((a, i) => frames.every((b, j) => i === j || (matchedShare(a, b) >= 0.8 && matchedShare(b, a) >= 0.8)));

/** The identity matcher from options. */
export const identityOf = (identity: FindOptions['identity']): PixelIdentity | undefined =>
  identity instanceof PixelIdentity ? identity : identity?.length ? new PixelIdentity(identity) : undefined;

/** What reading the frames of a file needs: palette, regions. */
export const contextOf = (file: DicomFile, options: FindOptions): Result<FrameContext> => {
  const px = imagePixelOf(file);
  if (!px.ok) return px;
  let palette: Palette | undefined;
  if (px.value.photometric === 'PALETTE COLOR') {
    const p = paletteOf(file);
    if (!p.ok) return p;
    palette = p.value;
  }
  return ok({
    identity: identityOf(options.identity),
    palette,
    regions: ultrasoundRegions(file, px.value.columns, px.value.rows),
    assets: options.assets,
    passes: options.passes,
    scale: options.scale,
  });
};

/**
 * Finds the text in an image (every frame). `decoded` lets a caller that has already decoded
 * frames pass them in (index → frame); others are decoded here.
 */
export const findText = async (
  file: DicomFile,
  options: FindOptions = {},
  decoded?: (index: number) => Promise<Result<DecodedFrame>>,
): Promise<Result<FoundText>> => {
  const px = imagePixelOf(file);
  if (!px.ok) return px;
  const ctx = contextOf(file, options);
  if (!ctx.ok) return ctx;
  const count = px.value.numberOfFrames;
  const frameOf = decoded ?? ((i: number) => decodeFrame(file, i));
  const found = new Map<number, Box[]>();
  const readAt = async (i: number): Promise<Result<Box[]>> => {
    const have = found.get(i);
    if (have) return ok(have);
    const f = await frameOf(i);
    if (!f.ok) return f;
    const r = await readFrame(f.value, ctx.value);
    if (r.ok) found.set(i, r.value);
    return r;
  };
  const sampled = options.everyFrame ? Array.from({ length: count }, (_, i) => i) : sampleFrames(count);
  for (const i of sampled) {
    const r = await readAt(i);
    if (!r.ok) return r;
  }
  const layouts = sampled.map((i) => found.get(i)!);
  const still = count === 1 || (!options.everyFrame && isStatic(layouts));
  let boxes: Box[][];
  if (still) {
    const all = mergeBoxes(layouts.flat());
    boxes = Array.from({ length: count }, () => all);
  } else {
    boxes = [];
    for (let i = 0; i < count; i++) {
      const r = await readAt(i);
      if (!r.ok) return r;
      boxes.push(r.value);
    }
  }
  const phi: FoundText['phi'] = [];
  const seen = new Set<Box>();
  boxes.forEach((list, frame) => {
    for (const box of list)
      if (box.phi && !(still && seen.has(box))) {
        seen.add(box);
        phi.push({ frame: still ? 'all' : frame, box });
      }
  });
  return ok({ boxes, static: still, read: [...found.keys()].sort((a, b) => a - b), phi });
};
