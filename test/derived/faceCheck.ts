import type { Samples } from '../../src/pixels/codecs/DecodedFrame.ts';
import type { DefacePlan } from '../../src/pixels/deface/deface.ts';
import type { SeriesPixels } from '../../src/pixels/deface/readVoxels.ts';
import { voxelsOf } from '../../src/pixels/deface/Voxels.ts';
import { faceCheck as runFaceCheck } from '../../src/pixels/faceCheck/faceCheck.ts';
import { nodeFaceDetector } from '../../src/pixels/faceCheck/node.ts';
import type { DerivedCase } from './cases.ts';

/**
 * What the face check (issue 4 §6: a face detector run on skin renders from several angles) said
 * about a case: faces found in how many views before and after, or why it was not run.
 */
export type FaceCheckOutcome =
  | { status: 'checked'; views: number; before: number; after: number; message: string }
  | { status: 'not-run'; why: string };

/**
 * The cases the face check runs on: one per kind of geometry of each head (it renders 18 views
 * twice and runs the detector on each, some 6–12 s a case on two cores, so not all 60).
 */
export const FACE_CHECKED: ReadonlySet<string> = new Set([
  'ct-axial',
  'ct-coronal',
  'ct-tilt+20',
  'mr-sagittal',
  'mr-turned',
  'colin-axial',
]);

/**
 * Face-checked cases where the detector finds no face on the derived original (0 of 18 views,
 * measured): the check proves nothing there, which the report shows; only "none after" is
 * asserted. Not a weaker detector: the same threshold finds the face on the other cases.
 */
export const FACE_UNSEEN: ReadonlySet<string> = new Set(['ct-axial', 'colin-axial', 'mr-turned']);

/**
 * THE PLACE where a derived case meets the face check (`src/pixels/faceCheck/`): the real SSD
 * MobileNet detector on the skin rendered from the case as read (`pixels`) and after the cut
 * (`after`, the stored frames in volume order), framed by the plan's head axes and masked by its
 * head mask. The tests then require a face before (the check must see it on the original, or it
 * proves nothing) and none after. Only for a defaced case in FACE_CHECKED.
 */
export const faceCheck = async (
  c: DerivedCase,
  pixels: SeriesPixels,
  after: readonly Samples[],
  plan: DefacePlan,
): Promise<FaceCheckOutcome> => {
  if (!FACE_CHECKED.has(c.name)) return { status: 'not-run', why: 'not among the face-checked cases (FACE_CHECKED)' };
  const verdict = plan.verdict;
  if (verdict.kind !== 'defaced') return { status: 'not-run', why: `the case was not defaced (${verdict.kind})` };
  const v = pixels.voxels;
  const defaced = voxelsOf(v.volume, after, v.modality, v.rescale);
  const result = await runFaceCheck(v, defaced, await nodeFaceDetector(), { frame: verdict.axes, mask: plan.mask });
  return {
    status: 'checked',
    views: result.total,
    before: result.detectedBefore,
    after: result.detectedAfter,
    message: result.message,
  };
};
