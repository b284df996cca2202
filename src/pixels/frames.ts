/**
 * The frames of an image: the Image Pixel module's description of them (PS3.3 C.7.6.3), native
 * frames as typed views of the file's bytes (PS3.5 §8.1.1, §8.2), and the fragments that make up
 * each encapsulated frame (PS3.5 §A.4). No codec lives here; ./codecs/ decodes fragments.
 */

import { fail, ok, type Result } from '../dicom/ReadError.ts';
import type { DicomFile } from '../dicom/read.ts';
import { ITEM, SEQUENCE_DELIMITATION } from '../dicom/tag.ts';
import { numberOf, stringOf } from '../dicom/values.ts';
import {
  type DecodedFrame,
  fitStoredBits,
  HOST_LITTLE_ENDIAN,
  newSamples,
  type Samples,
  samplesView,
} from './codecs/DecodedFrame.ts';

/** Pixel Data, Extended Offset Table and its Lengths (PS3.3 C.7.6.3.1.8). */
const PIXEL_DATA = 0x7fe00010;
const EXTENDED_OFFSET_TABLE = 0x7fe00001;
const EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;

/** The Image Pixel module attributes that say how frames are laid out (PS3.3 C.7.6.3). */
export interface ImagePixel {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** Pixel Representation 1: two's complement. */
  signed: boolean;
  /** Planar Configuration: 0 colour-by-pixel, 1 colour-by-plane (native and deflated frames only). */
  planarConfiguration: 0 | 1;
  /** Photometric Interpretation as the file declares it, upper case. */
  photometric: string;
  numberOfFrames: number;
}

/** Reads and checks the Image Pixel module of a data set. */
export const imagePixelOf = (file: DicomFile): Result<ImagePixel> => {
  const ds = file.dataset;
  const le = file.transferSyntax.littleEndian;
  const us = (t: number) => numberOf(ds.get(t), le);
  if (!ds.get(PIXEL_DATA)?.value) {
    if (ds.has(0x7fe00008) || ds.has(0x7fe00009))
      return fail('unsupported', 'the image has Float Pixel Data, which is not decoded');
    return fail('malformed', 'the file has no Pixel Data (7FE0,0010)');
  }
  const rows = us(0x00280010) ?? 0;
  const columns = us(0x00280011) ?? 0;
  if (!rows || !columns)
    return fail('malformed', 'the image has no size: Rows (0028,0010) or Columns (0028,0011) is missing or 0');
  const samplesPerPixel = us(0x00280002) ?? 1;
  const bitsAllocated = us(0x00280100) ?? 0;
  const bitsStored = us(0x00280101) ?? bitsAllocated;
  const highBit = us(0x00280102) ?? bitsStored - 1;
  if (![1, 8, 16, 32].includes(bitsAllocated))
    return fail(
      'unsupported',
      `Bits Allocated (0028,0100) is ${bitsAllocated || 'missing'}; Veil decodes 8, 16 and 32`,
    );
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated)
    return fail(
      'malformed',
      `Bits Stored ${bitsStored} and High Bit ${highBit} do not fit in Bits Allocated ${bitsAllocated} (PS3.5 §8.1.1)`,
    );
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3)
    return fail('unsupported', `${samplesPerPixel} samples per pixel: Veil decodes 1 (grey, palette) or 3 (colour)`);
  const photometric =
    (stringOf(ds.get(0x00280004)) ?? '').trim().toUpperCase() || (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB');
  const frames = numberOf(ds.get(0x00280008), le);
  return ok({
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: us(0x00280103) === 1,
    planarConfiguration: samplesPerPixel > 1 && us(0x00280006) === 1 ? 1 : 0,
    photometric,
    // Number of Frames is absent for single-frame objects; 0 or garbage reads as one frame.
    numberOfFrames: frames !== undefined && frames >= 1 ? Math.floor(frames) : 1,
  });
};

/** "frame 3 of 10", for messages (frames are counted from 1, as a user would). */
export const frameLabel = (px: ImagePixel, index: number): string => `frame ${index + 1} of ${px.numberOfFrames}`;

/** Checks a frame index against Number of Frames. */
export const checkIndex = (px: ImagePixel, index: number): Result<number> =>
  Number.isInteger(index) && index >= 0 && index < px.numberOfFrames
    ? ok(index)
    : fail('malformed', `there is no frame ${index + 1}: the image has ${px.numberOfFrames}`);

// ------------------------------------------------------------------ native frames

/** YBR_FULL_422 stores two luminance samples and one Cb, Cr pair per two pixels (PS3.3 C.7.6.3.1.2). */
const isYbr422 = (px: ImagePixel): boolean => px.photometric === 'YBR_FULL_422' && px.samplesPerPixel === 3;

/** Samples in one native frame as stored. */
const storedSamples = (px: ImagePixel): number => px.rows * px.columns * (isYbr422(px) ? 2 : px.samplesPerPixel);

/** Bytes of one native frame (PS3.5 §8.1.1: frames follow one another with no padding between). */
export const nativeFrameLength = (px: ImagePixel): number => (storedSamples(px) * px.bitsAllocated) / 8;

/**
 * The bytes of one native frame: a view into the file. 1-bit data (segmentations) is out of scope:
 * its frames need not start on a byte boundary.
 */
export const nativeFrameBytes = (file: DicomFile, px: ImagePixel, index: number): Result<Uint8Array> => {
  const value = file.dataset.get(PIXEL_DATA)?.value;
  if (!value) return fail('malformed', 'the file has no Pixel Data (7FE0,0010)');
  if (px.bitsAllocated === 1) return fail('unsupported', ONE_BIT);
  const n = nativeFrameLength(px);
  const start = index * n;
  if (start + n > value.length) {
    return fail(
      'truncated',
      `Pixel Data holds ${value.length} bytes, but the frame needs bytes ${start} to ${start + n} ` +
        `(${px.rows}×${px.columns}, ${px.samplesPerPixel} sample(s) of ${px.bitsAllocated} bits per pixel)`,
    );
  }
  return ok(value.subarray(start, start + n));
};

/** Why 1-bit frames are withheld. */
export const ONE_BIT =
  '1-bit pixel data (Bits Allocated 1, e.g. segmentations) is not decoded: its frames are bit-packed and may start mid-byte';

/** How the bytes of a native frame are encoded. */
export interface NativeEncoding {
  littleEndian: boolean;
  /** The element's VR: in Big Endian, 8-bit data in OW is byte-swapped in 16-bit words (PS3.5 §8.2). */
  vr?: string;
  /** The bytes belong to us (decoded or inflated), so they may be rewritten in place. */
  owned: boolean;
}

/**
 * Native frame bytes as interleaved samples (see DecodedFrame). A typed view of `bytes` whenever
 * the layout allows it: little-endian, aligned, colour-by-pixel, samples within Bits Stored. Big
 * Endian, colour-by-plane, YBR_FULL_422 and stray bits above High Bit need a copy.
 */
export const nativeSamples = (bytes: Uint8Array, px: ImagePixel, enc: NativeEncoding): Result<DecodedFrame> => {
  if (px.bitsAllocated === 1) return fail('unsupported', ONE_BIT);
  const count = storedSamples(px);
  const size = px.bitsAllocated / 8;
  if (bytes.length < count * size)
    return fail('truncated', `the frame has ${bytes.length} bytes; ${count * size} are needed`);
  let owned = enc.owned;
  let samples: Samples;
  const swap8 = !enc.littleEndian && px.bitsAllocated === 8 && enc.vr === 'OW';
  if (size === 1 && !swap8) {
    samples = samplesView(bytes.buffer, bytes.byteOffset, count, 8, px.signed);
  } else if (enc.littleEndian && HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0) {
    samples = samplesView(bytes.buffer, bytes.byteOffset, count, px.bitsAllocated, px.signed);
  } else {
    samples = reorder(bytes, count, px, enc.littleEndian, swap8);
    owned = true;
  }
  samples = fitStoredBits(samples, px.bitsAllocated, px.bitsStored, px.highBit, px.signed, owned);
  let photometric = px.photometric;
  if (isYbr422(px)) {
    samples = expandYbr422(samples, px);
    photometric = 'YBR_FULL';
  } else if (px.planarConfiguration === 1) {
    samples = interleave(samples, px);
  }
  return ok({
    rows: px.rows,
    columns: px.columns,
    samplesPerPixel: px.samplesPerPixel,
    bitsAllocated: px.bitsAllocated,
    signed: px.signed,
    photometric,
    planar: false,
    pixels: samples,
  });
};

/** A copy in host order: Big Endian values swapped, unaligned values moved onto a boundary. */
const reorder = (bytes: Uint8Array, count: number, px: ImagePixel, littleEndian: boolean, swap8: boolean): Samples => {
  const out = newSamples(count, px.bitsAllocated, px.signed);
  if (swap8) {
    for (let i = 0; i < count; i++) out[i] = bytes[i ^ 1]!;
    return out; // an Int8Array target wraps the bytes into two's complement
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (px.bitsAllocated === 16) for (let i = 0; i < count; i++) out[i] = dv.getUint16(i * 2, littleEndian);
  else for (let i = 0; i < count; i++) out[i] = dv.getUint32(i * 4, littleEndian);
  return out; // Int16/Int32Array targets wrap the unsigned values into two's complement
};

/** Colour-by-plane (RRR…GGG…BBB) to colour-by-pixel (PS3.3 C.7.6.3.1.3). */
const interleave = (planes: Samples, px: ImagePixel): Samples => {
  const n = px.rows * px.columns;
  const spp = px.samplesPerPixel;
  const out = newSamples(n * spp, px.bitsAllocated, px.signed);
  for (let s = 0; s < spp; s++) {
    const base = s * n;
    for (let p = 0; p < n; p++) out[p * spp + s] = planes[base + p]!;
  }
  return out;
};

/** Y1 Y2 Cb Cr per pixel pair to Y Cb Cr per pixel (PS3.3 C.7.6.3.1.2: the pair shares its chroma). */
const expandYbr422 = (packed: Samples, px: ImagePixel): Samples => {
  const pairs = (px.rows * px.columns) >> 1;
  const out = newSamples(px.rows * px.columns * 3, px.bitsAllocated, px.signed);
  for (let i = 0; i < pairs; i++) {
    const y1 = packed[i * 4]!;
    const y2 = packed[i * 4 + 1]!;
    const cb = packed[i * 4 + 2]!;
    const cr = packed[i * 4 + 3]!;
    out.set([y1, cb, cr, y2, cb, cr], i * 6);
  }
  return out;
};

/** Decodes one native frame of a file (Implicit/Explicit VR Little Endian, Explicit VR Big Endian, Deflated). */
export const nativeFrame = (file: DicomFile, px: ImagePixel, index: number): Result<DecodedFrame> => {
  const bytes = nativeFrameBytes(file, px, index);
  if (!bytes.ok) return bytes;
  const le = file.transferSyntax.littleEndian;
  return nativeSamples(bytes.value, px, { littleEndian: le, vr: file.dataset.get(PIXEL_DATA)?.vr, owned: false });
};

// ------------------------------------------------------------------ encapsulated frames

/** One fragment: its bytes (a view) and where its Item tag sits, counted as offset tables count. */
interface Fragment {
  /** Bytes from the first byte of the first Item after the Basic Offset Table (PS3.5 §A.4). */
  offset: number;
  bytes: Uint8Array;
}

/** The Basic Offset Table and the fragments of encapsulated Pixel Data (items are little-endian, PS3.5 §A.4). */
const itemsOf = (value: Uint8Array): Result<{ table: Uint8Array; fragments: Fragment[] }> => {
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const fragments: Fragment[] = [];
  let table: Uint8Array | undefined;
  let first = 0;
  let p = 0;
  while (p + 8 <= value.length) {
    const tag = ((dv.getUint16(p, true) << 16) | dv.getUint16(p + 2, true)) >>> 0;
    if (tag === SEQUENCE_DELIMITATION) break;
    const len = dv.getUint32(p + 4, true);
    if (tag !== ITEM || p + 8 + len > value.length)
      return fail('malformed', `encapsulated Pixel Data: item at byte ${p} is not a complete (FFFE,E000) Item`);
    const bytes = value.subarray(p + 8, p + 8 + len);
    if (!table) {
      table = bytes;
      first = p + 8 + len;
    } else fragments.push({ offset: p - first, bytes });
    p += 8 + len;
  }
  if (!table) return fail('malformed', 'encapsulated Pixel Data has no Basic Offset Table item');
  return ok({ table, fragments });
};

/** Little-endian unsigned integers of `size` bytes (4: Basic Offset Table, 8: Extended Offset Table). */
const unsignedValues = (bytes: Uint8Array, size: 4 | 8): number[] => {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p + size <= bytes.length; p += size)
    out.push(size === 4 ? dv.getUint32(p, true) : Number(dv.getBigUint64(p, true)));
  return out;
};

/**
 * Whether a fragment starts a new compressed frame, for encapsulated data with an empty offset
 * table and more fragments than frames: JPEG, JPEG-LS (SOI, FFD8) and JPEG 2000 (SOC, FF4F, or a
 * JP2 signature box that some writers leave in) codestreams announce their start.
 */
const startsFrame = (uid: string): ((b: Uint8Array) => boolean) | undefined => {
  const jpeg = /^1\.2\.840\.10008\.1\.2\.4\.(5\d|6\d|70|80|81)$/.test(uid);
  const j2k = /^1\.2\.840\.10008\.1\.2\.4\.(9[0-3]|20[1-3])$/.test(uid);
  if (jpeg) return (b) => b[0] === 0xff && b[1] === 0xd8;
  if (j2k) return (b) => (b[0] === 0xff && b[1] === 0x4f) || (b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20);
  return undefined;
};

/** Fragments grouped at the given item offsets (each must be the offset of a fragment). */
const groupAt = (fragments: Fragment[], offsets: number[], what: string): Result<Uint8Array[][]> => {
  const at = new Map(fragments.map((f, i) => [f.offset, i]));
  const starts: number[] = [];
  for (const [k, off] of offsets.entries()) {
    const i = at.get(off);
    if (i === undefined || (k > 0 && i <= starts[k - 1]!))
      return fail('malformed', `the ${what} gives frame ${k + 1} the offset ${off}, where no fragment starts`);
    starts.push(i);
  }
  return ok(starts.map((s, k) => fragments.slice(s, starts[k + 1] ?? fragments.length).map((f) => f.bytes)));
};

/** Split frames per Pixel Data value, so decoding frame after frame splits once (checked against what it depends on). */
const framesCache = new WeakMap<Uint8Array, { frames: Uint8Array[][]; eot: Uint8Array | undefined }>();

/**
 * The fragments of every frame of encapsulated Pixel Data (PS3.5 §A.4), as views. Frame
 * boundaries come from the Extended Offset Table if there is one (PS3.3 C.7.6.3.1.8; each frame's
 * length trims its padding), else from the Basic Offset Table, else: one frame takes all
 * fragments; as many fragments as frames means one each; otherwise codestream start markers.
 */
export const encapsulatedFrames = (file: DicomFile, px: ImagePixel): Result<Uint8Array[][]> => {
  const value = file.dataset.get(PIXEL_DATA)?.value;
  if (!value) return fail('malformed', 'the file has no Pixel Data (7FE0,0010)');
  const eot = file.dataset.get(EXTENDED_OFFSET_TABLE_LENGTHS)?.value;
  const cached = framesCache.get(value);
  if (cached && cached.eot === eot && cached.frames.length === px.numberOfFrames) return ok(cached.frames);
  const r = splitFrames(file, px, value);
  if (r.ok) framesCache.set(value, { frames: r.value, eot });
  return r;
};

const splitFrames = (file: DicomFile, px: ImagePixel, value: Uint8Array): Result<Uint8Array[][]> => {
  const items = itemsOf(value);
  if (!items.ok) return items;
  const { table, fragments } = items.value;
  const n = px.numberOfFrames;
  if (fragments.length === 0) return fail('malformed', 'encapsulated Pixel Data has no fragments');

  const eot = file.dataset.get(EXTENDED_OFFSET_TABLE)?.value;
  if (eot && eot.length > 0) {
    if (table.length > 0)
      return fail('malformed', 'both the Basic and the Extended Offset Table are present (PS3.5 §A.4 allows one)');
    const offsets = unsignedValues(eot, 8);
    const lengths = unsignedValues(file.dataset.get(EXTENDED_OFFSET_TABLE_LENGTHS)?.value ?? new Uint8Array(), 8);
    if (offsets.length !== n || lengths.length !== n)
      return fail(
        'malformed',
        `the Extended Offset Table has ${offsets.length} offsets and ${lengths.length} lengths for ${n} frames`,
      );
    const grouped = groupAt(fragments, offsets, 'Extended Offset Table');
    if (!grouped.ok) return grouped;
    const out: Uint8Array[][] = [];
    for (const [k, frags] of grouped.value.entries()) {
      const trimmed = trim(frags, lengths[k]!);
      if (!trimmed) return fail('malformed', `the Extended Offset Table gives frame ${k + 1} more bytes than it has`);
      out.push(trimmed);
    }
    return ok(out);
  }

  if (table.length > 0) {
    const offsets = unsignedValues(table, 4);
    if (offsets.length !== n)
      return fail('malformed', `the Basic Offset Table has ${offsets.length} offsets for ${n} frames`);
    return groupAt(fragments, offsets, 'Basic Offset Table');
  }

  // An empty Basic Offset Table (PS3.5 §A.4).
  if (n === 1) return ok([fragments.map((f) => f.bytes)]);
  if (fragments.length === n) return ok(fragments.map((f) => [f.bytes]));
  const starts = startsFrame(file.transferSyntax.uid);
  if (fragments.length > n && starts) {
    const out: Uint8Array[][] = [];
    for (const f of fragments) {
      if (out.length === 0 || starts(f.bytes)) out.push([f.bytes]);
      else out[out.length - 1]!.push(f.bytes);
    }
    if (out.length === n) return ok(out);
  }
  return fail(
    'malformed',
    `encapsulated Pixel Data has ${fragments.length} fragments for ${n} frames and an empty Basic Offset Table, ` +
      'so where each frame starts cannot be known',
  );
};

/** The first `length` bytes of a frame's fragments (views), or undefined if they hold fewer. */
const trim = (frags: Uint8Array[], length: number): Uint8Array[] | undefined => {
  const out: Uint8Array[] = [];
  let left = length;
  for (const f of frags) {
    if (left <= 0) break;
    out.push(f.length > left ? f.subarray(0, left) : f);
    left -= Math.min(left, f.length);
  }
  return left > 0 ? undefined : out;
};

/** The fragments of one encapsulated frame, as views. */
export const encapsulatedFrame = (file: DicomFile, px: ImagePixel, index: number): Result<Uint8Array[]> => {
  const frames = encapsulatedFrames(file, px);
  if (!frames.ok) return frames;
  const f = frames.value[index];
  return f ? ok(f) : fail('malformed', `there is no ${frameLabel(px, index)}`);
};

/** One contiguous buffer for a frame's fragments: the fragment itself when there is one (no copy). */
export const joinFragments = (fragments: Uint8Array[]): Uint8Array => {
  if (fragments.length === 1) return fragments[0]!;
  const out = new Uint8Array(fragments.reduce((n, f) => n + f.length, 0));
  let p = 0;
  for (const f of fragments) {
    out.set(f, p);
    p += f.length;
  }
  return out;
};
