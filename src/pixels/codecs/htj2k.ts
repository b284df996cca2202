/**
 * High-Throughput JPEG 2000 (ISO 15444-15): HTJ2K Lossless, Lossless RPCL and lossy, through
 * OpenJPH (@cornerstonejs/codec-openjph). OpenJPH decodes HT codestreams only, which is what
 * these transfer syntaxes carry; the progression order (RPCL) needs nothing special to decode.
 */
import factory from '@cornerstonejs/codec-openjph/wasmjs';
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import type { ImagePixel } from '../frames.ts';
import { type CodecOutput, colourAfter } from './codec.ts';
import { fill, lengthOf, loadWasm, ownBytes } from './wasm.ts';

/** Decodes one HTJ2K frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const { module, messages } = await loadWasm('openjph', factory);
  messages.length = 0;
  const decoder = new module.HTJ2KDecoder();
  try {
    fill(decoder.getEncodedBuffer(lengthOf(fragments)), fragments);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    let samples = ownBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    if (info.componentCount > 1 && !info.isUsingColorTransform)
      samples = unscramble(samples, info.width, info.height, info.componentCount, info.bitsPerSample > 8 ? 2 : 1);
    return ok({
      rows: info.height,
      columns: info.width,
      samplesPerPixel: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      signed: info.isSigned === true,
      samples,
      photometric: colourAfter(px.photometric),
    });
  } catch (e) {
    const why = messages.filter((m) => /error/i.test(m)).pop() ?? (e instanceof Error ? e.message : '');
    return fail('malformed', `OpenJPH could not decode the HTJ2K codestream${why ? ` (${why.trim()})` : ''}`);
  } finally {
    decoder.delete();
  }
};

/**
 * Puts colour decoded without the component transform back in place. For such codestreams the
 * wrapper asks OpenJPH for planar output, which hands over every line of component 0, then of
 * component 1…, but it stores the k-th line it pulls as if lines came pixel-interleaved: at row
 * ⌊k/c⌋, component k mod c. So the k-th line pulled, line k mod h of component ⌊k/h⌋, is moved
 * to where it belongs. Pinned by a test against an independent decoder (OpenJPEG via Pillow).
 */
export const unscramble = (
  got: Uint8Array,
  width: number,
  height: number,
  components: number,
  size: number,
): Uint8Array => {
  const out = new Uint8Array(got.length);
  const rowBytes = width * components * size;
  for (let k = 0; k < height * components; k++) {
    const from = Math.floor(k / components) * rowBytes + (k % components) * size;
    const to = (k % height) * rowBytes + Math.floor(k / height) * size;
    for (let x = 0; x < width; x++) {
      const a = from + x * components * size;
      const b = to + x * components * size;
      for (let i = 0; i < size; i++) out[b + i] = got[a + i]!;
    }
  }
  return out;
};
