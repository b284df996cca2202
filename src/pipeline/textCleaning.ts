/**
 * The record of what burned-in text cleaning did to one image, for the report and the app, made
 * from the cleaner's result. PHI never passes: the text OCR read is dropped from every box except
 * those kept on purpose (allow-listed, never identifying); boxes that matched an identity string
 * say so with a flag ("PHI found in pixels"), not with the words.
 */

import type { TextBox, TextCleaning } from '../deid/Outcome.ts';
import type { Box, CleanedText } from '../pixels/text/index.ts';

/** One box without its text, unless it is allow-listed text that was kept. */
export const reportBox = (b: Box): TextBox => ({
  x: b.x,
  y: b.y,
  width: b.width,
  height: b.height,
  blackedOut: !b.keep,
  phi: b.phi,
  risks: [...b.risks],
  // A kept box never matches an identity string or carries a risk (classify.ts); checked again here
  // because this text goes into a report that travels.
  ...(b.keep && !b.phi && b.risks.length === 0 && b.text ? { kept: b.text } : {}),
});

/** The record of a cleaned image: boxes per frame (listed once when one layout served every frame). */
export const textCleaningOf = (c: CleanedText): TextCleaning => {
  const frameBoxes: TextCleaning['frameBoxes'] = [];
  if (c.static && c.boxes.length > 0) {
    const boxes = c.boxes[0]!;
    if (boxes.length) frameBoxes.push({ frame: 'all', boxes: boxes.map(reportBox) });
  } else {
    c.boxes.forEach((boxes, i) => {
      if (boxes.length) frameBoxes.push({ frame: i + 1, boxes: boxes.map(reportBox) });
    });
  }
  return {
    frames: c.frames.length,
    static: c.static,
    phiFound: c.phi.length > 0 || c.boxes.some((f) => f.some((b) => b.phi)),
    frameBoxes,
  };
};
