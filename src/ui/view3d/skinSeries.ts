import type { AfterKind, SkinSummary } from '../../../workers/view3dApi.ts';
import type { BrainMask } from '../../pixels/deface/brainMask.ts';
import { judgeVolume, type SeriesInput } from '../../pixels/deface/defaceSeries.ts';
import { defacedCopy } from '../../pixels/deface/fill.ts';
import { headAxes } from '../../pixels/deface/headAxes.ts';
import { seriesVoxels } from '../../pixels/deface/reduceSeries.ts';
import { surveySeries } from '../../pixels/deface/seriesFiles.ts';
import { fineOf, type Voxels } from '../../pixels/deface/Voxels.ts';
import type { FaceDetector } from '../../pixels/faceCheck/detector.ts';
import {
  DEFAULT_MIN_SCORE,
  type FaceCheckResult,
  faceCheck,
  faceCheckScenes,
  faceCheckView,
} from '../../pixels/faceCheck/faceCheck.ts';
import type { HeadFrame } from '../../pixels/render/camera.ts';
import { type GreyImage, type SkinScene, skinScene } from '../../pixels/render/skin.ts';
import { seriesFactsOf } from '../../study/headVolume.ts';

/**
 * The 3D view's series (issue 4, "show the proof"), without DOM so it runs in the view's worker
 * and in Node tests alike: one head series decoded into the copy a run judges (`reduceSeries.ts`:
 * the series itself, or block means of a series too large), its cut planned exactly as the run plans it
 * (`planDeface` with the defaults, the same content gate as `defaceSeries`), and the skin of the
 * volume before and after prepared once (`faceCheckScenes`), so every angle the user turns to
 * only walks rays. The pictures are the face check's own framing (`faceCheckView`): what the user
 * sees is what the detector looks at.
 */

/** One series open in the 3D view. */
export interface SkinSeries {
  summary: Extract<SkinSummary, { ok: true }>;
  before: Voxels;
  /** The defaced volume; the original itself when nothing is cut; absent when the series would be withheld. */
  after?: Voxels;
  frame: HeadFrame;
  mask: BrainMask;
  scenes: { before: SkinScene; after?: SkinScene };
}

/** Opening failed: why, in words. */
export interface SkinSeriesError {
  ok: false;
  reason: string;
}

/**
 * Reads one series into the 3D view: decodes every frame (any transfer syntax Veil decodes) into
 * the judging copy, reading the inputs one at a time, plans the cut, makes the copy's "after"
 * (`defacedCopy`, as the run's face check does) and prepares both scenes. Never throws: a series
 * that cannot be shown says why.
 */
export const openSkinSeries = async (
  inputs: readonly SeriesInput[],
): Promise<{ ok: true; value: SkinSeries } | SkinSeriesError> => {
  try {
    return await open(inputs);
  } catch (e) {
    return { ok: false, reason: `the 3D view could not be prepared (${e instanceof Error ? e.message : String(e)})` };
  }
};

const open = async (inputs: readonly SeriesInput[]): Promise<{ ok: true; value: SkinSeries } | SkinSeriesError> => {
  const survey = await surveySeries(inputs);
  const first = survey.readable[0];
  if (first === undefined) return { ok: false, reason: 'no file of this series could be read' };
  const decoded = await seriesVoxels(inputs, survey);
  if (!decoded.ok) return { ok: false, reason: `this series cannot be shown in 3D: ${decoded.error.message}` };
  const { volume, voxels, padding } = decoded.value;
  const hint = seriesFactsOf(survey.files[first]!.info).headHint;

  // The run's own decisions (pixels/deface/defaceSeries.ts), so the view shows what a run does.
  const { mask, plan, verdict } = judgeVolume(voxels, volume.notes, volume.frameOfReferenceUID, hint);
  const after: AfterKind = verdict.kind === 'defaced' ? 'defaced' : verdict.kind === 'withheld' ? 'none' : 'unchanged';

  // The head's own axes turn the camera (the cut's when there is one); a volume with no brain
  // found has none, and is shown in the patient's axes.
  let frame: HeadFrame | undefined;
  if (plan.kind === 'defaced') frame = plan.axes;
  else {
    try {
      frame = headAxes(voxels, mask.work, mask.brain);
    } catch {
      frame = undefined;
    }
  }

  let afterVoxels: Voxels | undefined;
  if (after === 'unchanged') afterVoxels = voxels;
  else if (after === 'defaced' && plan.kind === 'defaced')
    afterVoxels = defacedCopy(voxels, plan.cut, plan.fill.physical, padding);

  let scenes: SkinSeries['scenes'];
  if (frame) {
    const both = faceCheckScenes(voxels, afterVoxels ?? voxels, { frame, mask });
    scenes = {
      before: both.before,
      ...(afterVoxels ? { after: afterVoxels === voxels ? both.before : both.after } : {}),
    };
  } else {
    const before = skinScene(voxels);
    frame = before.frame;
    scenes = { before, ...(afterVoxels ? { after: before } : {}) };
  }
  return {
    ok: true,
    value: {
      // The series' own size, also when the view shows its reduced copy.
      summary: { ok: true, verdict, after, modality: voxels.modality, dims: fineOf(voxels).dims },
      before: voxels,
      ...(afterVoxels ? { after: afterVoxels } : {}),
      frame,
      mask,
      scenes,
    },
  };
};

/** The skin before and after from one angle, as the face check frames it. */
export const renderPair = (
  s: SkinSeries,
  yaw: number,
  pitch: number,
  size: number,
): { before: GreyImage; after?: GreyImage } => ({
  before: faceCheckView(s.scenes.before, yaw, pitch, size),
  ...(s.scenes.after ? { after: faceCheckView(s.scenes.after, yaw, pitch, size) } : {}),
});

/** The face check's result and the pictures it looked at, shrunk to `thumb` pixels, in view order. */
export interface CheckedFaces {
  result: FaceCheckResult;
  /** The score from which a view counts as showing a face (the check's default). */
  minScore: number;
  thumb: number;
  before: Uint8ClampedArray;
  after: Uint8ClampedArray;
}

/**
 * Runs the face check on the open series exactly as the run does (`faceCheck` with the cut's
 * frame and the original's mask), keeping a small copy of every picture the detector is given:
 * the check renders each view before, then after (faceCheck.ts), so the pictures pair up in order.
 */
export const checkFaces = async (
  s: SkinSeries,
  detector: FaceDetector,
  thumb = 64,
): Promise<CheckedFaces | SkinSeriesError> => {
  if (!s.after)
    return {
      ok: false,
      reason: 'the series would be withheld, so nothing is written and there is no "after" to check',
    };
  const seen: Uint8ClampedArray[] = [];
  const recording: FaceDetector = {
    name: detector.name,
    backend: detector.backend,
    detect: async (image, minScore) => {
      seen.push(shrink(image, thumb));
      // A macrotask between pictures: the worker answers the view's render requests meanwhile, so
      // the head can still be turned during the check.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return detector.detect(image, minScore);
    },
  };
  const minScore = DEFAULT_MIN_SCORE;
  const result = await faceCheck(s.before, s.after, recording, { frame: s.frame, mask: s.mask, minScore });
  if (seen.length !== 2 * result.views.length)
    return { ok: false, reason: `the face check looked at ${seen.length} pictures for ${result.views.length} views` };
  const n = thumb * thumb;
  const before = new Uint8ClampedArray(result.views.length * n);
  const after = new Uint8ClampedArray(result.views.length * n);
  result.views.forEach((_, i) => {
    before.set(seen[2 * i]!, i * n);
    after.set(seen[2 * i + 1]!, i * n);
  });
  return { result, minScore, thumb, before, after };
};

/** A picture shrunk to `size` × `size` by averaging the source pixels each target pixel covers. */
export const shrink = (image: GreyImage, size: number): Uint8ClampedArray => {
  const out = new Uint8ClampedArray(size * size);
  const { width, height, pixels } = image;
  for (let y = 0; y < size; y++) {
    const y0 = Math.floor((y * height) / size);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / size));
    for (let x = 0; x < size; x++) {
      const x0 = Math.floor((x * width) / size);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / size));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += pixels[yy * width + xx]!;
      out[y * size + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
};
