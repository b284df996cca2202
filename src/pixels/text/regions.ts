/**
 * Ultrasound regions (PS3.3 C.8.5.5, Sequence of Ultrasound Regions (0018,6011)): the rectangles
 * of a frame that hold image data (B-mode, Doppler, M-mode). What lies outside them is the
 * device's annotation: text there is blacked out whatever it says. Inside them, what OCR "reads"
 * is mostly speckle, so only confident words or identifying ones count.
 */

import type { DicomFile } from '../../dicom/read.ts';
import { numberOf } from '../../dicom/values.ts';
import type { Rect } from './Box.ts';

const SEQUENCE_OF_ULTRASOUND_REGIONS = 0x00186011;
/** Region Location Min X0, Min Y0, Max X1, Max Y1 (UL; the max values are inclusive). */
const MIN_X0 = 0x00186018;
const MIN_Y0 = 0x0018601a;
const MAX_X1 = 0x0018601c;
const MAX_Y1 = 0x0018601e;

/** The image regions of an ultrasound frame, clipped to it; empty when the file declares none. */
export const ultrasoundRegions = (file: DicomFile, columns: number, rows: number): Rect[] => {
  const le = file.transferSyntax.littleEndian;
  const out: Rect[] = [];
  for (const item of file.dataset.get(SEQUENCE_OF_ULTRASOUND_REGIONS)?.items ?? []) {
    const x0 = numberOf(item.get(MIN_X0), le);
    const y0 = numberOf(item.get(MIN_Y0), le);
    const x1 = numberOf(item.get(MAX_X1), le);
    const y1 = numberOf(item.get(MAX_Y1), le);
    if (x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined) continue;
    const x = Math.max(0, x0);
    const y = Math.max(0, y0);
    const w = Math.min(columns - 1, x1) - x + 1;
    const h = Math.min(rows - 1, y1) - y + 1;
    if (w > 0 && h > 0) out.push({ x, y, width: w, height: h });
  }
  return out;
};

/** Whether a box lies wholly inside one of the regions. */
export const insideRegions = (b: Rect, regions: readonly Rect[]): boolean =>
  regions.some((r) => b.x >= r.x && b.y >= r.y && b.x + b.width <= r.x + r.width && b.y + b.height <= r.y + r.height);
