import { describe, expect, it } from 'vitest';
import { readDicom } from '../src/dicom/read.ts';
import { build, part10 } from '../test/build.ts';
import { COMPRESSED_REASON, decodeFrame } from './pixels.ts';

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
  it('gives modality values: signed pixels with the rescale applied', () => {
    const f = decodeFrame(image(Int16Array.of(-1, 0, 100, 1000), { 2625618: '-1024', 2625619: '2' }), 0);
    expect(f.ok && [...f.frame.pixels]).toEqual([-1026, -1024, -824, 976]);
    expect(f.ok && f.frame.window).toEqual({ center: (976 - 1026) / 2, width: 2002 });
  });

  it('uses the file’s own window when it has one', () => {
    const f = decodeFrame(image(Int16Array.of(0, 1, 2, 3), { 2625616: '40\\400', 2625617: '80\\2000' }), 0);
    expect(f.ok && f.frame.window).toEqual({ center: 40, width: 80 });
  });

  it('says plainly when pixels are compressed', () => {
    const file = image(Int16Array.of(0, 0, 0, 0));
    const f = decodeFrame({ ...file, transferSyntax: { ...file.transferSyntax, encapsulated: true } }, 0);
    expect(f).toEqual({ ok: false, reason: COMPRESSED_REASON });
  });
});
