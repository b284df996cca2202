import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicom } from '../src/dicom/read.ts';
import { build, part10 } from '../test/build.ts';
import { PYDICOM_DIR } from '../test/corpus.ts';
import { decodeFrame } from './pixels.ts';

const us = (n: number) => ({ vr: 'US' as const, bytes: Uint8Array.of(n & 0xff, n >> 8) });

const image = (pixels: Int16Array, extra: Record<number, string> = {}) => {
  const r = readDicom(
    part10(
      build({
        524310: '1.2.840.10008.5.1.4.1.1.2',
        524312: '2.25.1',
        2621442: us(1),
        2621444: 'MONOCHROME2',
        2621456: us(2),
        2621457: us(2),
        2621696: us(16),
        2621697: us(16),
        2621699: us(1),
        2145386512: { vr: 'OW', bytes: new Uint8Array(pixels.buffer) },
        ...extra,
      }),
    ),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('decodeFrame', () => {
  it('gives modality values: signed pixels with the rescale applied', async () => {
    const f = await decodeFrame(image(Int16Array.of(-1, 0, 100, 1000), { 2625618: '-1024', 2625619: '2' }), 0);
    expect(f.ok && [...f.frame.pixels]).toEqual([-1026, -1024, -824, 976]);
    expect(f.ok && f.frame.window).toEqual({ center: (976 - 1026) / 2, width: 2002 });
  });

  it('uses the file’s own window when it has one', async () => {
    const f = await decodeFrame(image(Int16Array.of(0, 1, 2, 3), { 2625616: '40\\400', 2625617: '80\\2000' }), 0);
    expect(f.ok && f.frame.window).toEqual({ center: 40, width: 80 });
  });

  const pydicom = (name: string) => {
    const r = readDicom(new Uint8Array(readFileSync(join(PYDICOM_DIR, 'test_files', name))));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('shows compressed images like native ones (JPEG-LS, JPEG 2000, RLE, JPEG)', async () => {
    const native = await decodeFrame(pydicom('MR_small.dcm'), 0);
    for (const name of ['MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_RLE.dcm'])
      expect(await decodeFrame(pydicom(name), 0), name).toEqual(native);
    const jpeg = await decodeFrame(pydicom('SC_rgb_dcmtk_+eb+cy+s2.dcm'), 0); // YBR_FULL_422
    expect(jpeg.ok && jpeg.frame.kind).toBe('rgb');
    expect(jpeg.ok && Array.from(jpeg.frame.pixels.subarray(0, 3))).toEqual([254, 0, 0]);
  });

  it('shows 16-bit colour by its top 8 bits, and YBR_FULL as RGB', async () => {
    const deep = await decodeFrame(pydicom('SC_rgb_rle_16bit.dcm'), 0);
    expect(deep.ok && Array.from(deep.frame.pixels.subarray(0, 3))).toEqual([255, 0, 0]);
    const ybr = await decodeFrame(pydicom('SC_ybr_full_422_uncompressed.dcm'), 0);
    expect(ybr.ok && Array.from(ybr.frame.pixels.subarray(0, 3))).toEqual([254, 0, 0]);
  });

  it('says plainly why a frame cannot be shown', async () => {
    const f = await decodeFrame(pydicom('JPEG-lossy.dcm'), 0);
    expect(!f.ok && f.reason).toMatch(/^frame 1 of 1, JPEG Extended .*: 12-bit JPEG/);
  });
});
