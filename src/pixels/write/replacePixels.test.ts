import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../../test/corpus.ts';
import { dciodvfyNewErrors, dcmdump, pydicomRead } from '../../../test/validators.ts';
import { fileMeta } from '../../dicom/FileMeta.ts';
import { type DicomFile, readDicom } from '../../dicom/read.ts';
import { ExplicitVRLittleEndian } from '../../dicom/TransferSyntax.ts';
import { getString, numberOf } from '../../dicom/values.ts';
import { writePart10 } from '../../dicom/write.ts';
import { decodeFrame, type Samples } from '../codecs/index.ts';
import { replacePixelData } from './replacePixels.ts';
import { pixelsDiffer } from './samePixels.ts';

/** Pixel replacement on pydicom's test files (native, implicit, RLE, JPEG 2000, JPEG-LS, lossy JPEG, Big Endian). */

const FILES = join(PYDICOM_DIR, 'test_files');
const present = existsSync(join(FILES, 'MR_small.dcm'));
const tmp = mkdtempSync(join(tmpdir(), 'veil-replace-pixels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (bytes: Uint8Array): DicomFile => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const decodeAll = async (f: DicomFile): Promise<{ frames: Samples[]; photometric: string }> => {
  const n = Math.max(1, numberOf(f.dataset.get(0x00280008)) ?? 1);
  const frames: Samples[] = [];
  let photometric = '';
  for (let i = 0; i < n; i++) {
    const r = await decodeFrame(f, i);
    if (!r.ok) throw new Error(r.error.message);
    frames.push(r.value.pixels);
    photometric = r.value.photometric;
  }
  return { frames, photometric };
};

/** Replaces a file's pixels by `change`d copies of its own decoded frames; writes and re-reads it. */
const rewrite = async (name: string, change = (s: Samples) => s) => {
  const bytes = new Uint8Array(readFileSync(join(FILES, name)));
  const file = read(bytes);
  const decoded = await decodeAll(file);
  const frames = decoded.frames.map((f) => change(f.slice()));
  const r = replacePixelData(file, { frames, photometric: decoded.photometric });
  if (!r.ok) throw new Error(r.error.message);
  const sop = getString(file.dataset, 0x00080018) ?? '';
  const cls = getString(file.dataset, 0x00080016) ?? '';
  const out = writePart10({ meta: fileMeta(cls, sop, r.value.uid), dataset: file.dataset, transferSyntax: r.value });
  return { out, frames, input: join(FILES, name) };
};

describe.skipIf(!present)(present ? 'replacePixelData' : `replacePixelData: ${FILES} absent, skipped`, () => {
  for (const name of [
    'MR_small.dcm',
    'MR_small_implicit.dcm',
    'MR_small_RLE.dcm',
    'MR_small_jp2klossless.dcm',
    'MR_small_jpeg_ls_lossless.dcm',
  ]) {
    it(`${name}: new pixels written native Explicit VR LE, read back exactly, valid`, async () => {
      const { out, frames, input } = await rewrite(name, (s) => {
        for (let i = 0; i < 64 * 20; i++) s[i] = 7; // the first 20 rows change
        return s;
      });
      const back = read(out);
      expect(back.transferSyntax.uid).toBe(ExplicitVRLittleEndian);
      expect(back.dataset.get(0x7fe00010)!.vr).toBe('OW');
      expect(pixelsDiffer(back, frames)).toBeUndefined();
      // Largest Image Pixel Value describes the new pixels, in the VR of signed pixels.
      const largest = back.dataset.get(0x00280107);
      if (largest) {
        expect(largest.vr).toBe('SS');
        expect(numberOf(largest)).toBe(Math.max(...frames[0]!));
      }
      expect(getString(back.dataset, 0x00282110)).toBeUndefined(); // lossless sources stay unmarked
      const path = join(tmp, name);
      writeFileSync(path, out);
      expect(dcmdump(path).errors).toEqual([]);
      expect(dciodvfyNewErrors(input, path)).toEqual([]);
      expect(pydicomRead([path]).failures).toEqual([]);
    });
  }

  it('a lossy JPEG source: Lossy Image Compression 01, its ratio kept, the missing method added, RGB by pixel', async () => {
    const { out, frames } = await rewrite('SC_rgb_jpeg_lossy_gdcm.dcm');
    const back = read(out);
    expect(pixelsDiffer(back, frames)).toBeUndefined();
    expect(getString(back.dataset, 0x00282110)).toBe('01');
    expect(getString(back.dataset, 0x00282114)).toBe('ISO_10918_1');
    expect(getString(back.dataset, 0x00282112)).toBe('9.05250452625226');
    expect(getString(back.dataset, 0x00280004)).toBe('RGB');
    expect(numberOf(back.dataset.get(0x00280006))).toBe(0);
    expect(back.dataset.get(0x7fe00010)!.vr).toBe('OB');
  });

  it('pixelsDiffer finds one changed sample', async () => {
    const { out, frames } = await rewrite('MR_small.dcm');
    const wrong = frames.map((f) => f.slice());
    wrong[0]![100] = wrong[0]![100]! + 1;
    expect(pixelsDiffer(read(out), wrong)).toMatch(/frame 1 differs from the new pixels at sample 100/);
  });

  it('refuses Explicit VR Big Endian, and frames of the wrong size, with reasons', async () => {
    const be = read(new Uint8Array(readFileSync(join(FILES, 'MR_small_bigendian.dcm'))));
    const { frames } = await decodeAll(be);
    const r = replacePixelData(be, { frames });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/Explicit VR Big Endian/);
    const le = read(new Uint8Array(readFileSync(join(FILES, 'MR_small.dcm'))));
    const short = replacePixelData(le, { frames: [new Int16Array(10)] });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.message).toMatch(/new frame 1 has 10 samples; 4096 are needed/);
  });
});
