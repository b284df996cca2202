/**
 * Test support only (imported by *.test.ts, never by the app): independent references for decoded
 * pixels. DCMTK's command-line decoders write native files that frames.ts then reads (a native
 * read is simple and separately tested); pydicom 2.3 with Pillow (Debian's /usr/bin/python3)
 * covers JPEG 2000, which this DCMTK build lacks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, type Element } from '../dicom/Dataset.ts';
import { fileMeta } from '../dicom/FileMeta.ts';
import { type DicomFile, readDicom } from '../dicom/read.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../dicom/TransferSyntax.ts';
import { stringElement } from '../dicom/values.ts';
import { writePart10 } from '../dicom/write.ts';
import type { DecodedFrame, Samples } from './codecs/DecodedFrame.ts';
import { decodeFrame } from './codecs/index.ts';
import { imagePixelOf, nativeFrame } from './frames.ts';

/** A fresh temporary directory. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'veil-pixels-'));

/** Reads a DICOM file that must be readable. */
export const readFile = (path: string): DicomFile => readBytes(new Uint8Array(readFileSync(path)));

/** Reads DICOM bytes that must be readable. */
export const readBytes = (bytes: Uint8Array): DicomFile => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** Every frame of a file through decodeFrame (throws on the first failure, with its reason). */
export const decodeAll = async (file: DicomFile): Promise<DecodedFrame[]> => {
  const px = imagePixelOf(file);
  if (!px.ok) throw new Error(px.error.message);
  const out: DecodedFrame[] = [];
  for (let i = 0; i < px.value.numberOfFrames; i++) {
    const r = await decodeFrame(file, i);
    if (!r.ok) throw new Error(r.error.message);
    out.push(r.value);
  }
  return out;
};

/** The native frames of a file (the reference side: no codec involved). */
export const nativeFrames = (file: DicomFile): DecodedFrame[] => {
  const px = imagePixelOf(file);
  if (!px.ok) throw new Error(px.error.message);
  return Array.from({ length: px.value.numberOfFrames }, (_, i) => {
    const r = nativeFrame(file, px.value, i);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });
};

/** Runs a DCMTK tool (`dcmdjpeg +te in out` style) and reads what it wrote. */
export const dcmtk = (tool: string, options: string[], input: string, dir: string): DicomFile => {
  const out = join(dir, `${tool}-${Math.random().toString(36).slice(2)}.dcm`);
  execFileSync(tool, [...options, input, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFile(out);
};

/** pydicom's pixel_array of a file, all frames, as one little-endian typed array. */
export const pydicomPixels = (path: string, dir: string): { dtype: string; shape: number[]; values: Samples } => {
  const raw = join(dir, `pydicom-${Math.random().toString(36).slice(2)}.raw`);
  const script = [
    'import sys, json, warnings',
    "warnings.simplefilter('ignore')",
    'import pydicom',
    'a = pydicom.dcmread(sys.argv[1]).pixel_array',
    "open(sys.argv[2], 'wb').write(a.astype(a.dtype.newbyteorder('<')).tobytes())",
    "print(json.dumps({'dtype': a.dtype.str, 'shape': list(a.shape)}))",
  ].join('\n');
  const meta = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path, raw], { encoding: 'utf8' })) as {
    dtype: string;
    shape: number[];
  };
  const b = readFileSync(raw);
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const kind = meta.dtype.replace(/^[<>|=]/, '');
  const arrays: Record<string, new (b: ArrayBuffer) => Samples> = {
    u1: Uint8Array,
    i1: Int8Array,
    u2: Uint16Array,
    i2: Int16Array,
    u4: Uint32Array,
    i4: Int32Array,
  };
  const T = arrays[kind];
  if (!T) throw new Error(`pydicom gave ${meta.dtype}`);
  return { ...meta, values: new T(buf) };
};

/** The largest absolute difference between two sample arrays of the same length (Infinity if not). */
export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** All frames' samples joined, for comparing with a reference that returns them together. */
export const joined = (frames: DecodedFrame[]): number[] => frames.flatMap((f) => Array.from(f.pixels));

/** What a generated test image declares (Image Pixel module); pixel data given separately. */
export interface ImageSpec {
  rows: number;
  columns: number;
  samplesPerPixel?: number;
  bitsAllocated: number;
  bitsStored?: number;
  highBit?: number;
  signed?: boolean;
  planar?: 0 | 1;
  photometric?: string;
  frames?: number;
}

const us = (n: number): Uint8Array => Uint8Array.of(n & 0xff, n >> 8);

/** The Image Pixel module of a generated image, as data set elements. */
const imageElements = (s: ImageSpec): Element[] => {
  const spp = s.samplesPerPixel ?? 1;
  const out: Element[] = [
    stringElement(0x00080016, '1.2.840.10008.5.1.4.1.1.7', 'UI'),
    stringElement(0x00080018, '2.25.4242', 'UI'),
    { tag: 0x00280002, vr: 'US', value: us(spp) },
    stringElement(0x00280004, s.photometric ?? (spp === 3 ? 'RGB' : 'MONOCHROME2'), 'CS'),
    { tag: 0x00280010, vr: 'US', value: us(s.rows) },
    { tag: 0x00280011, vr: 'US', value: us(s.columns) },
    { tag: 0x00280100, vr: 'US', value: us(s.bitsAllocated) },
    { tag: 0x00280101, vr: 'US', value: us(s.bitsStored ?? s.bitsAllocated) },
    { tag: 0x00280102, vr: 'US', value: us(s.highBit ?? (s.bitsStored ?? s.bitsAllocated) - 1) },
    { tag: 0x00280103, vr: 'US', value: us(s.signed ? 1 : 0) },
  ];
  if (spp > 1) out.push({ tag: 0x00280006, vr: 'US', value: us(s.planar ?? 0) });
  if (s.frames !== undefined) out.push(stringElement(0x00280008, String(s.frames), 'IS'));
  return out;
};

/** A Part 10 file (Explicit VR Little Endian) with native pixel data. */
export const nativeFile = (s: ImageSpec, pixels: Uint8Array): Uint8Array => {
  const ds = new Dataset([
    ...imageElements(s),
    { tag: 0x7fe00010, vr: s.bitsAllocated > 8 ? 'OW' : 'OB', value: pixels },
  ]);
  return writePart10({
    meta: fileMeta('1.2.840.10008.5.1.4.1.1.7', '2.25.4242', ExplicitVRLittleEndian),
    dataset: ds,
    transferSyntax: transferSyntax(ExplicitVRLittleEndian),
  });
};

/**
 * Encapsulated Pixel Data (PS3.5 §A.4): the Basic Offset Table (filled in or left empty), each
 * frame's fragments as Items (odd ones padded), and the Sequence Delimitation Item.
 */
export const encapsulate = (frames: Uint8Array[][], withOffsets: boolean): Uint8Array => {
  const items: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const frame of frames) {
    offsets.push(at);
    for (const f of frame) {
      const padded = f.length & 1 ? Uint8Array.of(...f, 0) : f;
      items.push(item(padded));
      at += 8 + padded.length;
    }
  }
  const table = new Uint8Array(withOffsets ? offsets.length * 4 : 0);
  if (withOffsets) for (const [i, o] of offsets.entries()) new DataView(table.buffer).setUint32(i * 4, o, true);
  const parts = [item(table), ...items, Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
};

const item = (value: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + value.length);
  out.set([0xfe, 0xff, 0x00, 0xe0], 0);
  new DataView(out.buffer).setUint32(4, value.length, true);
  out.set(value, 8);
  return out;
};

/** A DicomFile with encapsulated pixel data in the given transfer syntax (and any extra elements). */
export const encapsulatedFile = (s: ImageSpec, uid: string, value: Uint8Array, extra: Element[] = []): DicomFile => ({
  meta: fileMeta('1.2.840.10008.5.1.4.1.1.7', '2.25.4242', uid),
  dataset: new Dataset([...imageElements(s), ...extra, { tag: 0x7fe00010, vr: 'OB', value, undefinedLength: true }]),
  transferSyntax: transferSyntax(uid),
  part10: true,
  bytes: value,
  headerOnly: false,
  warnings: [],
});

/** Writes a DicomFile as Part 10 bytes (to hand to DCMTK or to read back). */
export const toPart10 = (f: DicomFile): Uint8Array =>
  writePart10({ meta: f.meta, dataset: f.dataset, transferSyntax: f.transferSyntax });
