import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../../test/corpus.ts';
import { identityStrings } from '../../deid/Identity.ts';
import { readDicom } from '../../dicom/read.ts';
import { decodeFrame, type Samples } from '../codecs/index.ts';
import { imagePixelOf } from '../frames.ts';
import type { Rect } from './Box.ts';
import { cleanBurnedInText } from './clean.ts';
import { closeRecognizer } from './ocr.ts';

/**
 * The real ultrasound, secondary capture and colour files of Debian's pydicom test set, each with
 * its exact outcome: every one is cleaned and verified (none has a defect that withholds it).
 * One image carries text, GDCMJ2K_TextGBR: the words "red", "green" and "blue" in those colours
 * on grey; it gets one box per word and no coloured pixel is left. The others carry none: no
 * boxes, and their pixels come out as they went in.
 */

const DIR = join(PYDICOM_DIR, 'test_files');
const present = existsSync(join(PYDICOM_DIR, '.done'));
if (!present) console.warn('pydicom burned-in text tests skipped: run scripts/fetch-pydicom-testfiles.sh');

/** File → the words its boxes read, top to bottom (none: no text in the pixels). */
const EXPECTED: Record<string, readonly string[]> = {
  'ExplVR_BigEnd.dcm': [], // US, RGB, Big Endian
  'GDCMJ2K_TextGBR.dcm': ['red', 'green', 'blue'], // JPEG 2000, YBR_RCT
  'SC_rgb_rle.dcm': [],
  'SC_rgb_jpeg_dcmtk.dcm': [],
  'SC_rgb_dcmtk_+eb+cy+np.dcm': [],
  'SC_rgb_rle_2frame.dcm': [],
  'SC_rgb_rle_16bit.dcm': [],
  'SC_rgb_rle_32bit_2frame.dcm': [],
  'SC_rgb_small_odd.dcm': [],
  'SC_ybr_full_422_uncompressed.dcm': [],
  'SC_jpeg_no_color_transform.dcm': [],
  'SC_rgb_gdcm_KY.dcm': [],
};

/** Pixels of an 8-bit RGB frame whose channels differ widely: coloured ink, not the grey ground. */
const coloured = (px: Samples): number => {
  let n = 0;
  for (let p = 0; p < px.length; p += 3)
    if (Math.max(px[p]!, px[p + 1]!, px[p + 2]!) - Math.min(px[p]!, px[p + 1]!, px[p + 2]!) > 60) n++;
  return n;
};

/** Samples that changed outside the boxes. */
const changedOutside = (before: Samples, after: Samples, spp: number, columns: number, boxes: Rect[]): number => {
  let n = 0;
  for (let i = 0; i < before.length; i++) {
    const p = Math.floor(i / spp);
    const x = p % columns;
    const y = Math.floor(p / columns);
    const boxed = boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);
    if (!boxed && before[i] !== after[i]) n++;
  }
  return n;
};

describe.skipIf(!present)('burned-in text on pydicom test files', () => {
  afterAll(closeRecognizer);

  it.each(Object.entries(EXPECTED))('%s', async (name, words) => {
    const file = readDicom(new Uint8Array(readFileSync(join(DIR, name))));
    if (!file.ok) throw new Error(file.error.message);
    const px = imagePixelOf(file.value);
    if (!px.ok) throw new Error(px.error.message);
    const r = await cleanBurnedInText(file.value, identityStrings(file.value.dataset));
    expect(r.verdict).toEqual({ ok: true });
    expect(r.frames).toHaveLength(px.value.numberOfFrames);
    for (let k = 0; k < r.frames.length; k++) {
      const boxes = r.boxes[k]!;
      expect([...boxes].sort((a, b) => a.y - b.y).map((b) => b.text)).toEqual(words);
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(px.value.columns);
        expect(b.y + b.height).toBeLessThanOrEqual(px.value.rows);
        // A box is text-sized: never most of the frame.
        expect(b.width * b.height).toBeLessThan(0.5 * px.value.columns * px.value.rows);
      }
      const before = await decodeFrame(file.value, k);
      if (!before.ok) throw new Error(before.error.message);
      const { pixels, samplesPerPixel } = before.value;
      expect(changedOutside(pixels, r.frames[k]!, samplesPerPixel, px.value.columns, boxes)).toBe(0);
      if (name === 'GDCMJ2K_TextGBR.dcm') {
        expect(coloured(pixels)).toBeGreaterThan(10_000); // the words are there…
        expect(coloured(r.frames[k]!)).toBe(0); // …and no coloured pixel of them is left
      }
    }
  });

  it('holds every file it names (a missing one fails rather than shrinking the list)', () => {
    expect(Object.keys(EXPECTED).filter((f) => !existsSync(join(DIR, f)))).toEqual([]);
  });
});
