/**
 * JPEG Lossless, Non-Hierarchical (Process 14), any selection value, and its SV1 transfer syntax,
 * through Veil's own decoder (process14.ts, which says why it replaced jpeg-lossless-decoder-js).
 * libjpeg-turbo's 8-bit build does not do lossless JPEG above 8 bits, which is most of what CT
 * and MR store.
 */
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments } from '../frames.ts';
import type { CodecOutput } from './codec.ts';
import { decodeProcess14 } from './process14.ts';

/** Decodes one JPEG Lossless frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const r = decodeProcess14(joinFragments(fragments));
  if (!r.ok) return fail(r.error.kind, `the JPEG Lossless stream could not be decoded: ${r.error.message}`);
  const image = r.value;
  return ok({
    rows: image.rows,
    columns: image.columns,
    samplesPerPixel: image.components,
    bitsPerSample: image.precision,
    samples: image.samples,
    photometric: px.photometric,
  });
};
