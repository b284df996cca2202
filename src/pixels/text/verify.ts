/**
 * Proof by reading back (fail closed): the cleaned frames go through the same preprocessing and
 * OCR as the originals, and if any identity string, date, time or ID-like token is still
 * readable the image must be withheld, with what was read and where as the reason.
 */

import { ok, type Result } from '../../dicom/ReadError.ts';
import type { DecodedFrame } from '../codecs/DecodedFrame.ts';
import type { OcrAssets } from './assets.ts';
import { pad, type Rect } from './Box.ts';
import { type PixelIdentity, type Risk, risksIn, riskWords } from './classify.ts';
import { recognizeWords, type Word } from './ocr.ts';
import type { Palette } from './palette.ts';
import { type PassName, passesOf } from './preprocess.ts';

/** Something identifying still readable in a cleaned frame. */
export interface Leftover {
  frame: number;
  risk: Risk;
  /** Where it was read, in frame pixels (padded like a found box). */
  rect: Rect;
}

/** The outcome of reading cleaned frames back. */
export type Verification = { ok: true } | { ok: false; reason: string; leftovers: Leftover[] };

/** How to read the cleaned frames (the same settings as finding). */
export interface VerifyOptions {
  palette?: Palette;
  assets?: OcrAssets;
  passes?: readonly PassName[];
  scale?: number;
  /** Which frames to read (default: all). */
  frames?: readonly number[];
}

/** Noise readings are not evidence: a leftover needs a letter or digit and some confidence. */
const readable = (w: Word): boolean => w.confidence >= 30 && /[\p{L}\p{N}]/u.test(w.text);

/** "a date ("01.03.24") in frame 3" for the reason. */
const describeLeftover = (l: Leftover, frames: number): string =>
  `${riskWords[l.risk.kind]} ("${l.risk.match}")${frames > 1 ? ` in frame ${l.frame + 1}` : ''}`;

/**
 * Reads cleaned frames again. `identity` is the matcher built from the input's identity strings.
 * An OCR failure is an error value (the caller withholds: unverified is not clean).
 */
export const verifyClean = async (
  frames: readonly DecodedFrame[],
  identity: PixelIdentity | undefined,
  options: VerifyOptions = {},
): Promise<Result<Verification>> => {
  const leftovers: Leftover[] = [];
  const which = options.frames ?? frames.map((_, i) => i);
  for (const index of which) {
    const frame = frames[index];
    if (!frame) continue;
    for (const pass of passesOf(frame, options)) {
      const words = await recognizeWords(pass.image, options.assets);
      if (!words.ok) return words;
      const lines = new Map<string, Word[]>();
      for (const w of words.value.filter(readable)) lines.set(w.line, [...(lines.get(w.line) ?? []), w]);
      for (const line of lines.values()) {
        const s = pass.scale;
        const rectOf = (ws: Word[]): Rect => {
          const x = Math.min(...ws.map((w) => w.x));
          const y = Math.min(...ws.map((w) => w.y));
          const x1 = Math.max(...ws.map((w) => w.x + w.width));
          const y1 = Math.max(...ws.map((w) => w.y + w.height));
          return pad(
            {
              x: Math.floor(x / s),
              y: Math.floor(y / s),
              width: Math.ceil(x1 / s) - Math.floor(x / s),
              height: Math.ceil(y1 / s) - Math.floor(y / s),
            },
            frame.columns,
            frame.rows,
          );
        };
        const text = line.map((w) => w.text).join(' ');
        for (const risk of risksIn(text, identity)) {
          const under = line.filter((w) => risk.match.includes(w.text) || w.text.includes(risk.match));
          leftovers.push({ frame: index, risk, rect: rectOf(under.length ? under : line) });
        }
      }
    }
  }
  if (!leftovers.length) return ok({ ok: true });
  const shown = leftovers.slice(0, 3).map((l) => describeLeftover(l, frames.length));
  const more = leftovers.length > 3 ? ` and ${leftovers.length - 3} more` : '';
  return ok({
    ok: false,
    reason: `text is still readable in the cleaned pixels: ${shown.join(', ')}${more}`,
    leftovers,
  });
};
