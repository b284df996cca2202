/**
 * JPEG Baseline (Process 1) and JPEG Extended (Processes 2 & 4) with 8-bit samples, through
 * libjpeg-turbo (@cornerstonejs/codec-libjpeg-turbo-8bit). 12-bit JPEG Extended is refused with a
 * reason: that build decodes 8-bit precision only, and no maintained 12-bit WebAssembly decoder
 * is published on npm (the Cornerstone 12-bit package exists only as source).
 */
import factory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments } from '../frames.ts';
import type { CodecOutput } from './codec.ts';
import { readJpegHeader } from './jpegHeader.ts';
import { lengthOf, loadWasm, ownBytes } from './wasm.ts';

/** An Adobe APP14 segment (length 14) whose transform byte, last, is set per colour model. */
const adobe = (transform: 0 | 1): Uint8Array =>
  Uint8Array.of(0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform);

/** Decodes one JPEG Baseline or Extended frame (8-bit precision). */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  // The headers sit in the first fragment, unless a writer cut fragments very short.
  let header = readJpegHeader(fragments[0] ?? new Uint8Array());
  if (!header.ok && fragments.length > 1) header = readJpegHeader(joinFragments(fragments));
  if (!header.ok) return header;
  const h = header.value;
  if (h.precision !== 8)
    return fail(
      'unsupported',
      `${h.precision}-bit JPEG (Extended, Process 4) cannot be decoded: the libjpeg-turbo build Veil uses decodes ` +
        '8-bit JPEG only, and no maintained 12-bit WebAssembly decoder is available',
    );
  if (h.process === 3)
    return fail('malformed', 'the stream is JPEG Lossless, not the JPEG process its transfer syntax names');

  // Colour (PS3.5 §8.2.1): whether the encoder applied the YCbCr transform. libjpeg decides from
  // the stream: an Adobe APP14 marker's transform flag, else JFIF (always YCbCr), else component
  // IDs, which encoders set carelessly (pydicom's SC_jpeg_no_color_transform: IDs 0,1,2, stored
  // RGB). Where the stream has neither marker, the Photometric Interpretation decides instead
  // (RGB: no transform; YBR_FULL, YBR_FULL_422: YCbCr), except that subsampled chroma is YCbCr
  // whatever the label (nobody subsamples R and B; GDCM labels such files RGB). The decision
  // reaches libjpeg as an Adobe marker inserted into the copy it decodes.
  const insert = h.components === 3 && !h.adobe && !h.jfif;
  const transform = h.subsampled || px.photometric.startsWith('YBR') ? 1 : 0;

  const { module } = await loadWasm('libjpeg-turbo', factory);
  const decoder = new module.JPEGDecoder();
  try {
    const target = decoder.getEncodedBuffer(lengthOf(fragments) + (insert ? 16 : 0));
    let p = 0;
    for (const [i, f] of fragments.entries()) {
      if (i === 0 && insert) {
        target.set(f.subarray(0, 2), 0); // SOI
        target.set(adobe(transform), 2);
        target.set(f.subarray(2), 18);
        p = f.length + 16;
      } else {
        target.set(f, p);
        p += f.length;
      }
    }
    decoder.decode();
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    const bytes = ownBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    return ok({
      rows: info.height,
      columns: info.width,
      samplesPerPixel: info.componentCount,
      bitsPerSample: 8,
      samples: bytes,
      // TurboJPEG always delivers colour as RGB (YCbCr converted, 4:2:x chroma upsampled).
      photometric: info.componentCount === 3 ? 'RGB' : px.photometric,
    });
  } catch {
    return fail(
      'malformed',
      'libjpeg-turbo could not decode the JPEG stream (it is damaged or not baseline/extended JPEG)',
    );
  } finally {
    decoder.delete();
  }
};
