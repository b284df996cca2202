import type { DicomFile } from '../../dicom/read.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import { imagePixelOf, nativeFrame } from '../frames.ts';

/**
 * Whether a written file carries exactly the given frames: its native Pixel Data is decoded again
 * and compared sample by sample. For verification after pixels were replaced, so that an output
 * whose pixels were meant to change is never offered with the old ones (or with damaged ones).
 * Returns the first difference in words, or undefined when every sample matches.
 */
export const pixelsDiffer = (file: DicomFile, expected: readonly Samples[]): string | undefined => {
  if (file.transferSyntax.encapsulated) return 'its Pixel Data is still compressed, not the new native pixels';
  const px = imagePixelOf(file);
  if (!px.ok) return `its pixels cannot be read back (${px.error.message})`;
  if (px.value.numberOfFrames !== expected.length)
    return `it has ${px.value.numberOfFrames} frames where ${expected.length} were written`;
  for (const [i, want] of expected.entries()) {
    const got = nativeFrame(file, px.value, i);
    if (!got.ok) return `frame ${i + 1} cannot be read back (${got.error.message})`;
    const a = got.value.pixels;
    if (a.length !== want.length) return `frame ${i + 1} has ${a.length} samples where ${want.length} were written`;
    for (let p = 0; p < a.length; p++)
      if (a[p] !== want[p]) return `frame ${i + 1} differs from the new pixels at sample ${p}`;
  }
  return undefined;
};
