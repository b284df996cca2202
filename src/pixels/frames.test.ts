import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import type { DicomFile } from '../dicom/read.ts';
import { decodeFrame } from './codecs/index.ts';
import { encapsulatedFrames, imagePixelOf, nativeFrame } from './frames.ts';
import {
  decodeAll,
  encapsulate,
  encapsulatedFile,
  joined,
  nativeFile,
  pydicomPixels,
  readBytes,
  readFile,
  tempDir,
  toPart10,
} from './references.test-helper.ts';

const T = join(PYDICOM_DIR, 'test_files');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Frame 1 of a file read natively (throws with the reason otherwise). */
const first = (file: DicomFile) => {
  const px = imagePixelOf(file);
  if (!px.ok) throw new Error(px.error.message);
  const r = nativeFrame(file, px.value, 0);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const frame0 = (name: string) => {
  const file = readFile(join(T, name));
  return { file, frame: first(file) };
};

describe('native frames', () => {
  it('reads MR_small the same in every native syntax (LE, Big Endian, implicit, padded)', () => {
    const { frame } = frame0('MR_small.dcm');
    expect(frame.pixels).toBeInstanceOf(Int16Array);
    for (const other of ['MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_implicit.dcm', 'MR_small_padded.dcm'])
      expect(Array.from(frame0(other).frame.pixels), other).toEqual(Array.from(frame.pixels));
    // and pydicom agrees
    expect(Array.from(frame.pixels)).toEqual(Array.from(pydicomPixels(join(T, 'MR_small.dcm'), dir).values));
  });

  it('returns a view into the file for little-endian data, a swapped copy for Big Endian', () => {
    const le = frame0('MR_small.dcm');
    expect(le.frame.pixels.buffer).toBe(le.file.bytes.buffer);
    const be = frame0('MR_small_bigendian.dcm');
    expect(be.frame.pixels.buffer).not.toBe(be.file.bytes.buffer);
  });

  it('reads signed and unsigned, 8, 16 and 32 bits as pydicom does', () => {
    for (const [name, type] of [
      ['CT_small.dcm', Int16Array],
      ['image_dfl.dcm', Uint8Array],
      ['ExplVR_BigEnd.dcm', Uint8Array],
      ['rtdose_1frame.dcm', Uint32Array],
      ['rtdose_expb_1frame.dcm', Uint32Array],
    ] as const) {
      const { frame } = frame0(name);
      expect(frame.pixels, name).toBeInstanceOf(type);
      expect(Array.from(frame.pixels), name).toEqual(Array.from(pydicomPixels(join(T, name), dir).values));
    }
  });

  it('reads every frame of a multi-frame image, in either byte order', async () => {
    const le = await decodeAll(readFile(join(T, 'rtdose.dcm')));
    const be = await decodeAll(readFile(join(T, 'rtdose_expb.dcm')));
    expect(le).toHaveLength(15);
    expect(joined(be)).toEqual(joined(le));
    expect(joined(le)).toEqual(Array.from(pydicomPixels(join(T, 'rtdose.dcm'), dir).values));
    // each frame is its own view, one after the other
    expect(le[1]!.pixels.byteOffset - le[0]!.pixels.byteOffset).toBe(10 * 10 * 4);
  });

  it('expands native YBR_FULL_422 to YBR_FULL, as pydicom does', () => {
    const { frame } = frame0('SC_ybr_full_422_uncompressed.dcm');
    expect(frame.photometric).toBe('YBR_FULL');
    expect(Array.from(frame.pixels)).toEqual(
      Array.from(pydicomPixels(join(T, 'SC_ybr_full_422_uncompressed.dcm'), dir).values),
    );
  });

  it('interleaves Planar Configuration 1', () => {
    const { frame } = frame0('SC_rgb_small_odd.dcm'); // 3×3 RGB, colour-by-pixel
    const n = 9;
    const planes = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) for (let s = 0; s < 3; s++) planes[s * n + p] = frame.pixels[p * 3 + s]!;
    const planar = readBytes(
      nativeFile({ rows: 3, columns: 3, samplesPerPixel: 3, bitsAllocated: 8, planar: 1 }, planes),
    );
    expect(Array.from(first(planar).pixels)).toEqual(Array.from(frame.pixels));
  });

  it('keeps Bits Stored only: masks stray high bits and sign-extends, leaving the file untouched', () => {
    // 12 bits stored in 16, signed: 0x0FFF is −1, 0x0800 is −2048, 0xF005 has overlay bits above bit 11.
    const raw = new Uint8Array(Uint16Array.of(0x0fff, 0x0800, 0x07ff, 0xf005).buffer);
    const copy = raw.slice();
    const file = readBytes(
      nativeFile({ rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12, highBit: 11, signed: true }, raw),
    );
    expect(Array.from(first(file).pixels)).toEqual([-1, -2048, 2047, 5]);
    expect(file.dataset.get(0x7fe00010)!.value).toEqual(copy);
    // Already within Bits Stored: a view, not a copy.
    const clean = readBytes(
      nativeFile(
        { rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, signed: true },
        new Uint8Array(Int16Array.of(-2048, 2047).buffer),
      ),
    );
    expect(first(clean).pixels.buffer).toBe(clean.bytes.buffer);
  });

  it('shifts samples whose High Bit is not Bits Stored − 1', () => {
    // 12 bits stored at bits 4–15 (High Bit 15), unsigned.
    const raw = new Uint8Array(Uint16Array.of(0xfff0, 0x0010, 0x000f).buffer);
    const file = readBytes(nativeFile({ rows: 1, columns: 3, bitsAllocated: 16, bitsStored: 12, highBit: 15 }, raw));
    expect(Array.from(first(file).pixels)).toEqual([0xfff, 1, 0]);
  });

  it('withholds 1-bit data with a reason, and names the frame and the syntax', async () => {
    const r = await decodeFrame(readFile(join(T, 'liver_1frame.dcm')), 0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^frame 1 of 1, Explicit VR Little Endian .*: 1-bit pixel data/);
  });

  it('says when the pixel data is shorter than the frames', async () => {
    const file = readBytes(nativeFile({ rows: 4, columns: 4, bitsAllocated: 16, frames: 2 }, new Uint8Array(40)));
    expect((await decodeFrame(file, 0)).ok).toBe(true);
    const r = await decodeFrame(file, 1);
    expect(!r.ok && r.error.kind).toBe('truncated');
    expect(!r.ok && r.error.message).toMatch(
      /^frame 2 of 2, .*Pixel Data holds 40 bytes, but the frame needs bytes 32 to 64/,
    );
    const none = await decodeFrame(file, 2);
    expect(!none.ok && none.error.message).toMatch(/there is no frame 3: the image has 2/);
  });
});

describe('encapsulated frames (PS3.5 A.4)', () => {
  const spec = { rows: 1, columns: 1, bitsAllocated: 8 };
  const jpegish = (n: number, parts = 1): Uint8Array[] =>
    Array.from({ length: parts }, (_, i) => (i === 0 ? Uint8Array.of(0xff, 0xd8, n, n) : Uint8Array.of(n, i, n, i)));
  const split = (frames: number, value: Uint8Array, uid = '1.2.840.10008.1.2.4.80', extra = []) => {
    const f = encapsulatedFile({ ...spec, frames }, uid, value, extra);
    const px = imagePixelOf(f);
    if (!px.ok) throw new Error(px.error.message);
    const r = encapsulatedFrames(f, px.value);
    return r.ok ? r.value.map((fr) => fr.map((b) => Array.from(b))) : r.error.message;
  };
  const expected = (frames: Uint8Array[][]) => frames.map((fr) => fr.map((b) => Array.from(b)));

  it('follows the Basic Offset Table, frames of several fragments included', () => {
    const frames = [jpegish(1, 3), jpegish(2), jpegish(3, 2)];
    expect(split(3, encapsulate(frames, true))).toEqual(expected(frames));
  });

  it('gives each frame one fragment when the table is empty and the counts match', () => {
    const frames = [[Uint8Array.of(1, 2)], [Uint8Array.of(3, 4)]];
    expect(split(2, encapsulate(frames, false), '1.2.840.10008.1.2.5')).toEqual(expected(frames));
  });

  it('gives a single frame every fragment', () => {
    const frames = [jpegish(7, 4)];
    expect(split(1, encapsulate(frames, false))).toEqual(expected(frames));
  });

  it('finds frames by their start markers when the table is empty and fragments outnumber frames', () => {
    const frames = [jpegish(1, 2), jpegish(2, 3)];
    expect(split(2, encapsulate(frames, false))).toEqual(expected(frames));
    const j2k = [
      [Uint8Array.of(0xff, 0x4f, 0xff, 0x51), Uint8Array.of(1, 1)],
      [Uint8Array.of(0xff, 0x4f, 0xff, 0x51), Uint8Array.of(2, 2)],
    ];
    expect(split(2, encapsulate(j2k, false), '1.2.840.10008.1.2.4.202')).toEqual(expected(j2k));
  });

  it('follows the Extended Offset Table, trimming each frame to its length', () => {
    const frames = [[Uint8Array.of(0xff, 0xd8, 1)], [Uint8Array.of(0xff, 0xd8, 2, 2, 2)]]; // odd: padded
    const value = encapsulate(frames, false);
    const u64 = (...v: number[]) => {
      const b = new Uint8Array(v.length * 8);
      for (const [i, x] of v.entries()) new DataView(b.buffer).setBigUint64(i * 8, BigInt(x), true);
      return b;
    };
    const eot = [
      { tag: 0x7fe00001, vr: 'OV' as const, value: u64(0, 12) },
      { tag: 0x7fe00002, vr: 'OV' as const, value: u64(3, 5) },
    ];
    expect(split(2, value, '1.2.840.10008.1.2.4.50', eot as never)).toEqual(expected(frames));
    const bad = [eot[0]!, { tag: 0x7fe00002, vr: 'OV' as const, value: u64(3, 9) }];
    expect(split(2, value, '1.2.840.10008.1.2.4.50', bad as never)).toMatch(/gives frame 2 more bytes than it has/);
  });

  it('says why when frames cannot be found', () => {
    expect(split(3, encapsulate([[Uint8Array.of(1, 2)], [Uint8Array.of(3, 4)]], false), '1.2.840.10008.1.2.5')).toBe(
      'encapsulated Pixel Data has 2 fragments for 3 frames and an empty Basic Offset Table, so where each frame starts cannot be known',
    );
    expect(split(3, encapsulate([jpegish(1), jpegish(2)], true))).toBe(
      'the Basic Offset Table has 2 offsets for 3 frames',
    );
    // An offset that lands inside a fragment.
    const value = encapsulate([jpegish(1), jpegish(2)], true);
    new DataView(value.buffer).setUint32(12, 3, true);
    expect(split(2, value)).toBe('the Basic Offset Table gives frame 2 the offset 3, where no fragment starts');
  });

  it('reads the frames of a file written and read back, as views into its bytes', () => {
    const frames = [jpegish(1, 2), jpegish(2)];
    const f = readBytes(
      toPart10(encapsulatedFile({ ...spec, frames: 2 }, '1.2.840.10008.1.2.4.80', encapsulate(frames, true))),
    );
    const px = imagePixelOf(f);
    const r = px.ok ? encapsulatedFrames(f, px.value) : undefined;
    expect(r?.ok && r.value.map((fr) => fr.map((b) => Array.from(b)))).toEqual(expected(frames));
    expect(r?.ok && r.value[0]![0]!.buffer).toBe(f.bytes.buffer);
  });
});
