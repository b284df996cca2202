/**
 * JPEG 2000 (Part 1, lossless and lossy; ISO 15444-1) through OpenJPEG (@cornerstonejs/codec-openjpeg).
 * The wrapper reports failure by printing, not throwing, so the output size is checked here.
 */
import factory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import type { ImagePixel } from '../frames.ts';
import { type CodecOutput, colourAfter } from './codec.ts';
import { fill, lengthOf, loadWasm, ownBytes } from './wasm.ts';

/** Decodes one JPEG 2000 frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const { module, messages } = await loadWasm('openjpeg', factory);
  messages.length = 0;
  const decoder = new module.J2KDecoder();
  try {
    fill(decoder.getEncodedBuffer(lengthOf(fragments)), fragments);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    const size = info.bitsPerSample > 8 ? 2 : 1;
    const expected = info.width * info.height * info.componentCount * size;
    if (!info.width || out.byteLength !== expected) return fail('malformed', openjpegError(messages));
    // The build writes colour at 8 bits only; above that the buffer is left empty.
    if (info.componentCount > 1 && size > 1)
      return fail('unsupported', `${info.bitsPerSample}-bit colour JPEG 2000 is beyond the OpenJPEG build Veil uses`);
    return ok({
      rows: info.height,
      columns: info.width,
      samplesPerPixel: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      signed: info.isSigned === true,
      samples: ownBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
      photometric: colourAfter(px.photometric, decoder.getColorSpace()),
    });
  } catch {
    return fail('malformed', openjpegError(messages));
  } finally {
    decoder.delete();
  }
};

/** The library's last error line, or a plain statement. */
const openjpegError = (messages: string[]): string => {
  const last = messages
    .filter((m) => /error/i.test(m))
    .pop()
    ?.replace(/^\[ERROR\]\s*/, '')
    .trim();
  return `OpenJPEG could not decode the JPEG 2000 codestream${last ? ` (${last})` : ''}`;
};
