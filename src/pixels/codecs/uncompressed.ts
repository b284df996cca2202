/**
 * Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98, PS3.5 §A.4.11):
 * native frames, one per fragment. The samples are views of the fragment when aligned.
 */
import { fail, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments, nativeFrameLength, nativeSamples } from '../frames.ts';
import type { DecodedFrame } from './DecodedFrame.ts';

/** Reads one encapsulated native frame. */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<DecodedFrame>> => {
  const bytes = joinFragments(fragments);
  const need = nativeFrameLength(px);
  if (bytes.length < need) return fail('truncated', `the frame has ${bytes.length} bytes; it needs ${need}`);
  return nativeSamples(bytes, px, { littleEndian: true, owned: fragments.length > 1 });
};
