/**
 * decodeFrame: one frame of any image Veil can read, as interleaved samples (see DecodedFrame).
 * Native frames are read in place; each compressed family has its own module, loaded with a
 * dynamic import the first time it is needed, so the app's bundles and the CLI's hot path carry
 * no codec until an image asks for one (and the WebAssembly comes with it, from our own origin).
 */

import { fail, ok, type ReadError, type Result } from '../../dicom/ReadError.ts';
import { tsName } from '../../dicom/read/messages.ts';
import type { DicomFile } from '../../dicom/read.ts';
import {
  checkIndex,
  encapsulatedFrame,
  frameLabel,
  type ImagePixel,
  imagePixelOf,
  nativeFrame,
  ONE_BIT,
} from '../frames.ts';
import type { CodecOutput, Decode } from './codec.ts';
import {
  type DecodedFrame,
  fitStoredBits,
  HOST_LITTLE_ENDIAN,
  newSamples,
  type Samples,
  samplesView,
} from './DecodedFrame.ts';

export type { DecodedFrame, Samples } from './DecodedFrame.ts';
export { setWasmUrls, type WasmCodec } from './wasm.ts';

/** A compressed transfer syntax Veil decodes: its PS3.6 name and the module that does it. */
interface Syntax {
  name: string;
  load: () => Promise<{ decode: Decode }>;
}

const jpeg = () => import('./jpeg.ts');
const jpegLossless = () => import('./jpegLossless.ts');
const jpegLS = () => import('./jpegLS.ts');
const jpeg2000 = () => import('./jpeg2000.ts');
const htj2k = () => import('./htj2k.ts');

/** The encapsulated transfer syntaxes Veil decodes (PS3.6 Table A-1), by UID. */
export const DECODABLE: Readonly<Record<string, Syntax>> = {
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', load: jpeg },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', load: jpeg },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', load: jpegLossless },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction', load: jpegLossless },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', load: jpegLS },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Lossy (Near-Lossless)', load: jpegLS },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 (Lossless Only)', load: jpeg2000 },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', load: jpeg2000 },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 (Lossless Only)', load: htj2k },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', load: htj2k },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000', load: htj2k },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', load: () => import('./rle.ts') },
  '1.2.840.10008.1.2.8.1': { name: 'Deflated Image Frame Compression', load: () => import('./deflate.ts') },
  '1.2.840.10008.1.2.1.98': {
    name: 'Encapsulated Uncompressed Explicit VR Little Endian',
    load: () => import('./uncompressed.ts'),
  },
};

/** Why the encapsulated syntaxes Veil knows but does not decode are refused. */
const refused = (uid: string): string => {
  const n = Number(uid.match(/^1\.2\.840\.10008\.1\.2\.4\.(\d+)$/)?.[1]);
  if (n === 92 || n === 93)
    return 'JPEG 2000 Part 2 multi-component transforms are beyond the OpenJPEG decoder Veil uses';
  if ([94, 95, 204, 205].includes(n))
    return 'the pixels are not in the file: JPIP transfer syntaxes reference a server';
  if (n >= 100 && n <= 108) return 'video (MPEG-2, H.264, HEVC) is not decoded';
  if (n >= 110 && n <= 112) return 'JPEG XL is not decoded: none of the codecs Veil ships handles it';
  if ((n >= 52 && n <= 56) || (n >= 58 && n <= 66)) return 'this retired JPEG process is not decoded';
  return 'Veil has no decoder for this transfer syntax';
};

/** "JPEG 2000 (1.2.840.10008.1.2.4.91)": the syntax as messages name it. */
export const syntaxName = (uid: string): string => {
  const s = DECODABLE[uid];
  return s ? `${s.name} (${uid})` : tsName(uid);
};

/**
 * Decodes frame `index` (from 0) of a file read by readDicom. Never throws: a reason comes back
 * instead, naming the frame and the transfer syntax.
 */
export const decodeFrame = async (file: DicomFile, index: number): Promise<Result<DecodedFrame>> => {
  const uid = file.transferSyntax.uid;
  const pixel = imagePixelOf(file);
  if (!pixel.ok) return withContext(pixel.error, `${syntaxName(uid)}`);
  const px = pixel.value;
  const where = `${frameLabel(px, index)}, ${syntaxName(uid)}`;
  const i = checkIndex(px, index);
  if (!i.ok) return withContext(i.error, syntaxName(uid));
  if (!HOST_LITTLE_ENDIAN) return fail('unsupported', `${where}: decoding needs a little-endian machine`);
  if (px.bitsAllocated === 1) return fail('unsupported', `${where}: ${ONE_BIT}`);
  if (!file.transferSyntax.encapsulated) {
    const r = nativeFrame(file, px, index);
    return r.ok ? r : withContext(r.error, where);
  }
  const syntax = DECODABLE[uid];
  if (!syntax) return fail('unsupported', `${where}: ${refused(uid)}`);
  const fragments = encapsulatedFrame(file, px, index);
  if (!fragments.ok) return withContext(fragments.error, where);
  let codec: { decode: Decode };
  try {
    codec = await syntax.load();
  } catch (e) {
    return fail(
      'unsupported',
      `${where}: the decoder could not be loaded (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  let r: Result<CodecOutput | DecodedFrame>;
  try {
    r = await codec.decode(fragments.value, px);
  } catch (e) {
    // Loading a WebAssembly module can fail (memory, a blocked fetch); decoders themselves return reasons.
    r = fail('malformed', `the decoder failed (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!r.ok) return withContext(r.error, where);
  const out = 'planar' in r.value ? ok(r.value) : fromCodec(r.value, px);
  return out.ok ? out : withContext(out.error, where);
};

const withContext = (e: ReadError, where: string): Result<never> => ({
  ok: false,
  error: { kind: e.kind, message: `${where}: ${e.message}` },
});

/**
 * A codec's samples as a DecodedFrame: size checked against the Image Pixel module, widened or
 * reinterpreted to Bits Allocated and Pixel Representation, reduced to Bits Stored.
 */
export const fromCodec = (out: CodecOutput, px: ImagePixel): Result<DecodedFrame> => {
  if (out.rows !== px.rows || out.columns !== px.columns || out.samplesPerPixel !== px.samplesPerPixel)
    return fail(
      'malformed',
      `the codestream is ${out.columns}×${out.rows} with ${out.samplesPerPixel} component(s); ` +
        `the Image Pixel module says ${px.columns}×${px.rows} with ${px.samplesPerPixel}`,
    );
  if (out.bitsPerSample > px.bitsAllocated)
    return fail(
      'malformed',
      `the codestream has ${out.bitsPerSample}-bit samples; Bits Allocated is ${px.bitsAllocated}`,
    );
  const count = px.rows * px.columns * px.samplesPerPixel;
  const width = out.samples instanceof Uint8Array && out.bitsPerSample > 8 ? 16 : out.samples.BYTES_PER_ELEMENT * 8;
  if (out.samples.byteLength < (count * width) / 8)
    return fail(
      'malformed',
      `the decoder returned ${out.samples.byteLength} bytes; the frame needs ${(count * width) / 8}`,
    );
  let samples: Samples;
  if (width === px.bitsAllocated) {
    // Same width: the decoder's buffer, seen with the file's signedness (no copy).
    samples = samplesView(out.samples.buffer, out.samples.byteOffset, count, width, px.signed);
  } else {
    // Narrower than Bits Allocated (8-bit JPEG in 16-bit words, 16-bit codecs in 32): widen.
    const from = samplesView(out.samples.buffer, out.samples.byteOffset, count, width, out.signed === true);
    samples = newSamples(count, px.bitsAllocated, px.signed);
    samples.set(from);
  }
  return ok({
    rows: px.rows,
    columns: px.columns,
    samplesPerPixel: px.samplesPerPixel,
    bitsAllocated: px.bitsAllocated,
    signed: px.signed,
    photometric: out.photometric,
    planar: false,
    pixels: fitStoredBits(samples, px.bitsAllocated, px.bitsStored, px.highBit, px.signed, true),
  });
};
