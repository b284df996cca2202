import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../../test/corpus.ts';
import { identityStrings } from '../../deid/Identity.ts';
import { readDicom } from '../../dicom/read.ts';
import { imagePixelOf } from '../frames.ts';
import { cleanBurnedInText } from './clean.ts';
import { closeRecognizer } from './ocr.ts';

/**
 * The real ultrasound, secondary capture and colour files of Debian's pydicom test set: every one
 * is cleaned or withheld with a reason (never a crash), boxes lie inside the frame, and the one
 * image that carries text (GDCMJ2K_TextGBR: "Text" in green, blue, red) gets boxes.
 */

const DIR = join(PYDICOM_DIR, 'test_files');
const present = existsSync(join(PYDICOM_DIR, '.done'));
if (!present) console.warn('pydicom burned-in text tests skipped: run scripts/fetch-pydicom-testfiles.sh');

const FILES = [
  'ExplVR_BigEnd.dcm', // US, RGB, Big Endian
  'GDCMJ2K_TextGBR.dcm', // JPEG 2000, YBR_RCT, text in pixels
  'SC_rgb.dcm',
  'SC_rgb_jpeg_dcmtk.dcm',
  'SC_rgb_dcmtk_+eb+cy+np.dcm',
  'SC_rgb_rle_2frame.dcm',
  'SC_rgb_rle_16bit.dcm',
  'SC_rgb_rle_32bit_2frame.dcm',
  'SC_rgb_small_odd.dcm',
  'SC_ybr_full_422_uncompressed.dcm',
  'SC_jpeg_no_color_transform.dcm',
  'SC_rgb_gdcm_KY.dcm',
].filter((f) => !present || existsSync(join(DIR, f)));

describe.skipIf(!present)('burned-in text on pydicom test files', () => {
  afterAll(closeRecognizer);

  it.each(FILES)('%s', async (name) => {
    const file = readDicom(new Uint8Array(readFileSync(join(DIR, name))));
    if (!file.ok) throw new Error(file.error.message);
    const px = imagePixelOf(file.value);
    if (!px.ok) throw new Error(px.error.message);
    const r = await cleanBurnedInText(file.value, identityStrings(file.value.dataset));
    if (!r.verdict.ok) {
      expect(r.verdict.reason.length, `${basename(name)} withheld without words`).toBeGreaterThan(10);
      return;
    }
    expect(r.frames).toHaveLength(px.value.numberOfFrames);
    for (const boxes of r.boxes)
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(px.value.columns);
        expect(b.y + b.height).toBeLessThanOrEqual(px.value.rows);
        // A box is text-sized: never most of the frame.
        expect(b.width * b.height).toBeLessThan(0.5 * px.value.columns * px.value.rows);
      }
    if (name === 'GDCMJ2K_TextGBR.dcm') expect(r.boxes[0]!.length).toBeGreaterThan(0);
  });
});
