/**
 * Deflated Image Frame Compression (1.2.840.10008.1.2.8.1, PS3.5 §8.2.16): each frame is a native
 * Explicit VR Little Endian frame compressed with Deflate (RFC 1951, no zlib wrapper). fflate is
 * already in the engine for Deflated Explicit VR Little Endian data sets.
 */
import { inflateSync } from 'fflate';
import { fail, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments, nativeFrameLength, nativeSamples } from '../frames.ts';
import type { DecodedFrame } from './DecodedFrame.ts';

/** Inflates one frame and reads it as native samples. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<DecodedFrame>> => {
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(joinFragments(fragments));
  } catch (e) {
    return fail('malformed', `the frame does not inflate (${e instanceof Error ? e.message : String(e)})`);
  }
  const need = nativeFrameLength(px);
  if (bytes.length < need) return fail('truncated', `the frame inflates to ${bytes.length} bytes; it needs ${need}`);
  return nativeSamples(bytes, px, { littleEndian: true, owned: true });
};
