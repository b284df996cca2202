/**
 * JPEG Lossless, Non-Hierarchical (Process 14), any selection value, and its SV1 transfer syntax,
 * through jpeg-lossless-decoder-js (pure JavaScript; no WebAssembly needed). libjpeg-turbo's 8-bit
 * build does not do lossless JPEG above 8 bits, which is most of what CT and MR store.
 */
import { Decoder } from 'jpeg-lossless-decoder-js';
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments } from '../frames.ts';
import type { CodecOutput } from './codec.ts';
import { readJpegHeader } from './jpegHeader.ts';

/**
 * The library computes predictor 7, (Ra + Rb) / 2, with a floating-point division. A half then
 * survives into the sum with the difference, and where that sum lies between −1 and 0 it
 * truncates to 0 instead of wrapping to 2^P − 1 (ITU T.81 H.1.2.1: the division is a right
 * shift, arithmetic is modulo 2^16). Signed 16-bit images crossing zero decode wrong; the shift
 * fixes it (pinned by a test against DCMTK).
 */
class Process14Decoder extends Decoder {
  override select7(component: number): number {
    return (this.getPreviousX(component) + this.getPreviousY(component)) >> 1;
  }
}

/** Decodes one JPEG Lossless frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const data = joinFragments(fragments);
  const header = readJpegHeader(data);
  if (!header.ok) return header;
  const h = header.value;
  if (h.process !== 3 && h.process !== 7)
    return fail(
      'malformed',
      `the stream is JPEG process SOF${h.process}, not the lossless process its transfer syntax names`,
    );
  // The decoder writes 3-component samples as bytes only; 16-bit colour would come out scrambled.
  if (h.components === 3 && h.precision > 8)
    return fail(
      'unsupported',
      `${h.precision}-bit colour JPEG Lossless is beyond the decoder Veil uses (it handles 8-bit colour)`,
    );
  try {
    const decoder = new Process14Decoder();
    const samples = decoder.decode(data.buffer, data.byteOffset, data.length, h.precision > 8 ? 2 : 1);
    return ok({
      rows: decoder.frame.dimY,
      columns: decoder.frame.dimX,
      samplesPerPixel: h.components,
      bitsPerSample: h.precision,
      samples,
      photometric: px.photometric,
    });
  } catch (e) {
    return fail(
      'malformed',
      `the JPEG Lossless stream could not be decoded (${e instanceof Error ? e.message : String(e)})`,
    );
  }
};
