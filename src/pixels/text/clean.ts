/**
 * Burned-in text, end to end for one image: decode every frame, find the text, black it out,
 * read the result back. What comes out is the cleaned frames (decoded samples, ready for the
 * pixel writer), the boxes per frame for the report and the preview, and a verdict: clean, or
 * withhold with the reason in words. Writing the file is not done here (src/pixels/write/).
 */

import { ok, type Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { type DecodedFrame, decodeFrame, type Samples } from '../codecs/index.ts';
import { type ImagePixel, imagePixelOf } from '../frames.ts';
import type { OcrAssets } from './assets.ts';
import { type Box, mergeBoxes } from './Box.ts';
import { changedFrames } from './changed.ts';
import { PixelIdentity } from './classify.ts';
import { checkFrames, contextOf, type FoundText, type FrameContext, findText, readFrame } from './findText.ts';
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

/** What one cleaning works with, gathered once. */
interface Job {
  file: DicomFile;
  pixel: ImagePixel;
  frames: DecodedFrame[];
  ctx: FrameContext;
  matcher: PixelIdentity;
  overlays: EmbeddedOverlay[];
  options: CleanOptions;
}

/**
 * The most frames whose annotation changed (changedFrames) that are read back as well: a name
 * shown for a moment changes a handful of frames, and 8 more OCR frames (about 3 s at 0.4 s each)
 * keep a 100-frame cine within its 10 s. More than that, the annotation changes through the cine
 * (a counter, a cursor, a trace outside the regions) and the layout is not treated as static:
 * every frame is read on its own, which fails closed (withheld if text is still readable).
 */
const MAX_CHANGED_FRAMES = 8;

/**
 * The frames read back after redaction, or 'not static'. Every frame when each was read on its
 * own. A static image's boxes come from its sampled frames alone, and reading back only those
 * would prove only what finding already saw: the frames between them (checkFrames) are read back
 * too, so a name that appears or moves on a frame finding never read is met there, and so is
 * every other frame whose annotation differs from those read back on either side of it
 * (changedFrames: ultrasound regions only), up to MAX_CHANGED_FRAMES.
 */
const readBackFrames = (job: Job, found: FoundText, boxes: Box[][]): number[] | 'not static' => {
  if (!found.static) return found.read;
  const read = [...found.read, ...checkFrames(job.frames.length, found.read)].sort((a, b) => a - b);
  // One layout: every frame has the same boxes. Kept (allow-listed) text is not blacked out, so
  // it is compared like the rest of the annotation.
  const redacted = (boxes[0] ?? []).filter((b) => !b.keep);
  const changed = changedFrames(job.frames, read, redacted, job.ctx.regions);
  if (changed.length > MAX_CHANGED_FRAMES) return 'not static';
  return [...read, ...changed].sort((a, b) => a - b);
};

/** Found boxes plus the text of overlays embedded in the pixel words, read where frames were read. */
const withOverlays = async (job: Job, found: FoundText): Promise<Result<Box[][]>> => {
  const boxes = found.boxes.map((b) => [...b]);
  for (const i of found.read) {
    const o = overlayFrame(job.file, job.pixel, i, job.overlays);
    if (!o) continue;
    const r = await readFrame(o, { ...job.ctx, palette: undefined, regions: [] });
    if (!r.ok) return r;
    const targets = found.static ? boxes.map((_, k) => k) : [i];
    for (const k of targets) boxes[k] = mergeBoxes([...boxes[k]!, ...r.value]);
  }
  return ok(boxes);
};

/**
 * What redacting and reading back came to: clean, still readable (withhold), or a static layout
 * disproved, when something was read on a frame that finding did not read or the annotation
 * changed on more frames than are worth reading back.
 */
type ReadBack =
  | { kind: 'clean'; cleaned: DecodedFrame[]; boxes: Box[][] }
  | { kind: 'readable'; reason: string; boxes: Box[][] }
  | { kind: 'not static' };

/** Redacts and reads back, giving what is still readable a box of its own for a few rounds. */
const redactVerified = async (job: Job, found: FoundText, boxes: Box[][]): Promise<Result<ReadBack>> => {
  const { palette } = job.ctx;
  const { assets, passes, scale } = job.options;
  const frames = readBackFrames(job, found, boxes);
  if (frames === 'not static') return ok({ kind: 'not static' });
  const rounds = job.options.boxes ? 0 : SECOND_CHANCES;
  for (let round = 0; ; round++) {
    const cleaned = redactFrames(job.frames, boxes, { palette });
    const v = await verifyClean(cleaned, job.matcher, { palette, assets, passes, scale, frames });
    if (!v.ok) return v;
    if (v.value.ok) return ok({ kind: 'clean', cleaned, boxes });
    const { leftovers, reason } = v.value;
    if (found.static && leftovers.some((l) => !found.read.includes(l.frame))) return ok({ kind: 'not static' });
    if (round >= rounds) return ok({ kind: 'readable', reason, boxes });
    // Layout analysis changes once text is gone; what it reads now gets a box of its own.
    for (const l of leftovers) {
      const box = leftoverBox(l, l.risk.kind === 'identity');
      const targets = found.static ? boxes.map((_, k) => k) : [l.frame];
      for (const k of targets) boxes[k] = mergeBoxes([...boxes[k]!, box]);
    }
  }
};

/** The text found in the frames, or the user's boxes (final, so never static). */
const foundOf = async (job: Job, everyFrame: boolean): Promise<Result<FoundText>> => {
  const { file, frames, matcher, options } = job;
  if (options.boxes) {
    const read = frames.map((_, i) => i);
    return ok({ boxes: read.map((i) => options.boxes![i] ?? []), static: false, read, phi: [] });
  }
  const find = { identity: matcher, assets: options.assets, passes: options.passes, scale: options.scale, everyFrame };
  return findText(file, find, async (i) => ok(frames[i]!));
};

/**
 * Finds the text, adds the overlays' text, redacts and reads back: the cleaned image, withheld
 * with the reason, or 'not static' when reading back disproved the layout finding assumed.
 */
const findAndClean = async (job: Job, everyFrame: boolean): Promise<CleanedText | 'not static'> => {
  const found = await foundOf(job, everyFrame);
  if (!found.ok) return withheldText(`the text in the pixels could not be read: ${found.error.message}`);
  const boxes = await withOverlays(job, found.value);
  if (!boxes.ok) return withheldText(`the overlay in the pixels could not be read: ${boxes.error.message}`);
  const back = await redactVerified(job, found.value, boxes.value);
  if (!back.ok) return withheldText(`the cleaned pixels could not be read back: ${back.error.message}`);
  const { overlays } = job;
  if (back.value.kind === 'not static') return 'not static';
  if (back.value.kind === 'readable') return { ...withheldText(back.value.reason), boxes: back.value.boxes, overlays };
  return {
    frames: back.value.cleaned.map((f) => f.pixels),
    photometric: job.frames[0]?.photometric ?? job.pixel.photometric,
    boxes: back.value.boxes,
    static: found.value.static,
    phi: found.value.phi,
    overlays,
    verdict: { ok: true },
  };
};

/**
 * Finds, blacks out and verifies the burned-in text of one image. `identity` is the identity
 * strings the engine gathered for the input (src/deid/Identity.ts). Never throws: a file that
 * cannot be decoded or read comes back withheld with the reason. A static layout that reading
 * back disproves is found again, every frame on its own.
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
  const ctx = contextOf(file, {
    identity: matcher,
    assets: options.assets,
    passes: options.passes,
    scale: options.scale,
  });
  if (!ctx.ok) return withheldText(ctx.error.message);
  const overlays = embeddedOverlays(file, px.value);
  const job: Job = { file, pixel: px.value, frames, ctx: ctx.value, matcher, overlays, options };
  const first = await findAndClean(job, false);
  const done = first === 'not static' ? await findAndClean(job, true) : first;
  // Frame by frame nothing is static, so this cannot happen; withhold rather than assume.
  return done === 'not static' ? withheldText('the text moves between frames and was not read frame by frame') : done;
};
