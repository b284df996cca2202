/**
 * Burned-in text, end to end for one image: decode every frame, find the text, black it out,
 * read the result back. What comes out is the cleaned frames (decoded samples, ready for the
 * pixel writer), the boxes per frame for the report and the preview, and a verdict: clean, or
 * withhold with the reason in words. Writing the file is not done here (src/pixels/write/).
 */

import type { DicomFile } from '../../dicom/read.ts';
import { type DecodedFrame, decodeFrame, type Samples } from '../codecs/index.ts';
import { imagePixelOf } from '../frames.ts';
import type { OcrAssets } from './assets.ts';
import { type Box, mergeBoxes } from './Box.ts';
import { PixelIdentity } from './classify.ts';
import { contextOf, type FoundText, findText, readFrame } from './findText.ts';
import { type EmbeddedOverlay, embeddedOverlays, overlayFrame } from './overlays.ts';
import type { PassName } from './preprocess.ts';
import { redactFrames } from './redact.ts';
import { type Leftover, verifyClean } from './verify.ts';

/** How to clean an image. */
export interface CleanOptions {
  /** Where the OCR files are (default: ./assets.ts). */
  assets?: OcrAssets;
  /** Which preprocessing passes to run (default: all that apply). */
  passes?: readonly PassName[];
  /** Upscaling factor (default: by frame size). */
  scale?: number;
  /**
   * Boxes chosen by the user, per frame: they replace what OCR found, and are final (verification
   * still runs, and text they leave readable withholds the image, with no box added behind them).
   */
  boxes?: Box[][];
}

/** The verdict on an image: clean (verified by reading back), or withheld and why. */
export type TextVerdict = { ok: true } | { ok: false; reason: string };

/** A cleaned image. */
export interface CleanedText {
  /** The cleaned frames' samples, interleaved, one array per frame (see DecodedFrame). */
  frames: Samples[];
  /** What the frames are: decodeFrame's photometric (RGB for JPEG colour, YBR_FULL for YBR_FULL_422). */
  photometric: string;
  /** Boxes per frame, including the kept (allow-listed) ones, which were left as they were. */
  boxes: Box[][];
  /** One layout served every frame (multi-frame). */
  static: boolean;
  /** "PHI found in pixels": boxes that matched an identity string (`frame` 'all' when static). */
  phi: { frame: number | 'all'; box: Box }[];
  /** Overlays embedded in Pixel Data: decoded frames carry none, so the writer must drop these groups. */
  overlays: EmbeddedOverlay[];
  verdict: TextVerdict;
}

/** Rounds of "verify, add what is still readable, redact again" before giving up. */
const SECOND_CHANCES = 2;

/** The result of a cleaning that withholds the image: no frames, no boxes, the reason. */
export const withheldText = (reason: string): CleanedText => ({
  frames: [],
  photometric: '',
  boxes: [],
  static: false,
  phi: [],
  overlays: [],
  verdict: { ok: false, reason },
});

/** A box for something verification still read. */
const leftoverBox = (l: Leftover, identity: boolean): Box => ({
  ...l.rect,
  text: l.risk.match,
  confidence: 0,
  phi: identity,
  risks: [l.risk.kind],
  keep: false,
});

/**
 * Finds, blacks out and verifies the burned-in text of one image. `identity` is the identity
 * strings the engine gathered for the input (src/deid/Identity.ts). Never throws: a file that
 * cannot be decoded or read comes back withheld with the reason.
 */
export const cleanBurnedInText = async (
  file: DicomFile,
  identity: readonly string[],
  options: CleanOptions = {},
): Promise<CleanedText> => {
  const px = imagePixelOf(file);
  if (!px.ok) return withheldText(px.error.message);
  const frames: DecodedFrame[] = [];
  for (let i = 0; i < px.value.numberOfFrames; i++) {
    const f = await decodeFrame(file, i);
    if (!f.ok) return withheldText(`the pixels could not be decoded to look for text: ${f.error.message}`);
    frames.push(f.value);
  }
  const matcher = new PixelIdentity(identity);
  const find = { identity: matcher, assets: options.assets, passes: options.passes, scale: options.scale };
  const ctx = contextOf(file, find);
  if (!ctx.ok) return withheldText(ctx.error.message);

  let found: FoundText;
  if (options.boxes) {
    const boxes = frames.map((_, i) => options.boxes![i] ?? []);
    found = { boxes, static: false, read: frames.map((_, i) => i), phi: [] };
  } else {
    const r = await findText(file, find, async (i) => ({ ok: true, value: frames[i]! }));
    if (!r.ok) return withheldText(`the text in the pixels could not be read: ${r.error.message}`);
    found = r.value;
  }

  // Overlays embedded in the pixel words may hold text too: read them where frames were read.
  const overlays = embeddedOverlays(file, px.value);
  const boxes = found.boxes.map((b) => [...b]);
  for (const i of found.read) {
    const o = overlayFrame(file, px.value, i, overlays);
    if (!o) continue;
    const r = await readFrame(o, { ...ctx.value, palette: undefined, regions: [] });
    if (!r.ok) return withheldText(`the overlay in the pixels could not be read: ${r.error.message}`);
    const targets = found.static ? boxes.map((_, k) => k) : [i];
    for (const k of targets) boxes[k] = mergeBoxes([...boxes[k]!, ...r.value]);
  }

  const palette = ctx.value.palette;
  const check = found.static ? found.read : frames.map((_, i) => i);
  let cleaned = redactFrames(frames, boxes, { palette });
  for (let round = 0; ; round++) {
    const v = await verifyClean(cleaned, matcher, {
      palette,
      assets: options.assets,
      passes: options.passes,
      scale: options.scale,
      frames: check,
    });
    if (!v.ok) return withheldText(`the cleaned pixels could not be read back: ${v.error.message}`);
    if (v.value.ok) break;
    if (round >= (options.boxes ? 0 : SECOND_CHANCES)) return { ...withheldText(v.value.reason), boxes, overlays };
    // Layout analysis changes once text is gone; what it reads now gets a box of its own.
    for (const l of v.value.leftovers) {
      const box = leftoverBox(l, l.risk.kind === 'identity');
      const targets = found.static ? boxes.map((_, k) => k) : [l.frame];
      for (const k of targets) boxes[k] = mergeBoxes([...boxes[k]!, box]);
    }
    cleaned = redactFrames(frames, boxes, { palette });
  }

  const phi = found.phi;
  return {
    frames: cleaned.map((f) => f.pixels),
    photometric: frames[0]?.photometric ?? px.value.photometric,
    boxes,
    static: found.static,
    phi,
    overlays,
    verdict: { ok: true },
  };
};
