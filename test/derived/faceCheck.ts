import type { Samples } from '../../src/pixels/codecs/DecodedFrame.ts';
import type { SeriesPixels } from '../../src/pixels/deface/readVoxels.ts';
import type { DerivedCase } from './cases.ts';

/**
 * What the face check (issue 4 §6: a face detector run on skin renders from several angles) said
 * about a case: faces found in how many views before and after, or that it is not run yet.
 */
export type FaceCheckOutcome =
  | { status: 'checked'; views: number; before: number; after: number }
  | { status: 'not-run'; why: string };

/**
 * THE PLACE where every derived case meets the face check. The detector is being built in
 * `src/pixels/faceCheck/` by someone else; until it lands this returns "not-run" and the tests
 * assert nothing about faces found. When it lands, call it here on `pixels` (the case as read:
 * volume, stored frames before the cut, voxels) and on `after` (the stored frames after the cut,
 * same order), and return `checked`: the tests then require before > 0 (the check must see the
 * face on the original, or it proves nothing) and after = 0 for every "defaced" case.
 */
export const faceCheck = async (
  _c: DerivedCase,
  _pixels: SeriesPixels,
  _after: readonly Samples[],
): Promise<FaceCheckOutcome> => ({
  status: 'not-run',
  why: 'the face detector (src/pixels/faceCheck/) is not available yet',
});
