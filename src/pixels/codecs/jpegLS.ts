/** JPEG-LS Lossless and Near-Lossless (ISO 14495-1), through CharLS (@cornerstonejs/codec-charls). */
import factory from '@cornerstonejs/codec-charls/decodewasmjs';
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import type { ImagePixel } from '../frames.ts';
import type { CodecOutput } from './codec.ts';
import { fill, lengthOf, loadWasm, ownBytes } from './wasm.ts';

/** Decodes one JPEG-LS frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const { module } = await loadWasm('charls', factory);
  const decoder = new module.JpegLSDecoder();
  try {
    fill(decoder.getEncodedBuffer(lengthOf(fragments)), fragments);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    let bytes = ownBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    // Interleave mode "none" comes out one plane per component (ISO 14495-1 §C.2.3).
    if (info.componentCount > 1 && decoder.getInterleaveMode() === 0)
      bytes = interleaveBytes(bytes, info.componentCount, info.bitsPerSample > 8 ? 2 : 1);
    return ok({
      rows: info.height,
      columns: info.width,
      samplesPerPixel: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      samples: bytes,
      photometric: px.photometric,
    });
  } catch (e) {
    const why = module.getExceptionMessage?.(e)?.[1];
    return fail('malformed', `CharLS could not decode the JPEG-LS stream${why ? ` (${why})` : ''}`);
  } finally {
    decoder.delete();
  }
};

/** Plane-by-plane bytes to pixel-by-pixel, for samples of `size` bytes. */
const interleaveBytes = (planes: Uint8Array, components: number, size: number): Uint8Array => {
  const out = new Uint8Array(planes.length);
  const n = planes.length / components / size;
  for (let c = 0; c < components; c++)
    for (let p = 0; p < n; p++)
      for (let b = 0; b < size; b++) out[(p * components + c) * size + b] = planes[(c * n + p) * size + b]!;
  return out;
};
