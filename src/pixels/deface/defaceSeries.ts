import { anonymize, type Plan } from '../../deid/anonymize.ts';
import type { Outcome } from '../../deid/Outcome.ts';
import { type DicomFile, readDicom } from '../../dicom/read.ts';
import { seriesFactsOf } from '../../study/headVolume.ts';
import { instanceInfo } from '../../study/InstanceInfo.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import type { FaceDetector } from '../faceCheck/detector.ts';
import { type FaceCheckResult, faceCheck } from '../faceCheck/faceCheck.ts';
import type { Volume } from '../geometry/Volume.ts';
import type { BrainMask } from './brainMask.ts';
import { type DefaceOptions, type DefaceVerdict, planDeface } from './deface.ts';
import { notAHead } from './defaceSeriesGate.ts';
import { applyCut } from './fill.ts';
import { decodeSlices, seriesVolume, voxelsFromFrames } from './readVoxels.ts';
import { type Voxels, voxelsOf } from './Voxels.ts';

/** One input file of a series: its name (for messages) and its whole bytes. */
export interface SeriesInput {
  name: string;
  bytes: Uint8Array;
}

/** The verdict on one series, for the report and the app. */
export type SeriesVerdict =
  /** The face was removed; every file written with the new pixels (Explicit VR Little Endian). */
  | {
      kind: 'defaced';
      /** Tissue removed, mL. */
      removedMl: number;
      /** The intracranial space (CT) or brain (MR) kept with its margin, mL. */
      brainMl: number;
      marginMm: number;
      message: string;
      notes: string[];
      frameOfReferenceUID: string;
      /** The face check on renders before and after, when a detector was given. */
      faceCheck?: FaceCheckResult;
    }
  /** A head, but no face in the field of view: anonymized with the pixels as they were. */
  | { kind: 'no-face'; message: string; brainMl: number; frameOfReferenceUID: string }
  /** The content is not a head (an abdomen, a spine): anonymized as usual. */
  | { kind: 'not-head'; message: string }
  /** Not one volume and nothing says "head": anonymized as usual. */
  | { kind: 'not-volume'; message: string }
  /** A head that could not be defaced safely: every file withheld. */
  | { kind: 'withheld'; message: string; frameOfReferenceUID?: string; faceCheck?: FaceCheckResult }
  /** Defacing is off in the plan: anonymized as usual. */
  | { kind: 'off'; message: string };

/** How to deface a series: the cut's options, and the face detector that checks the result. */
export interface SeriesOptions extends DefaceOptions {
  /**
   * When given, the defaced volume is rendered from several angles before and after and the
   * detector must find no face after (`faceCheck`); otherwise the series is withheld. Called only
   * when a head is defaced, so a run without heads never loads the model; the caller keeps it
   * loaded once per worker (`faceCheck/node.ts`, `faceCheck/browser.ts`). If it cannot be loaded,
   * the series is withheld: the check was asked for.
   */
  detector?: () => Promise<FaceDetector>;
}

/** The verdict and one outcome per input, in input order. */
export interface SeriesResult {
  verdict: SeriesVerdict;
  outcomes: Outcome[];
}

/**
 * De-identifies the files of one CT or MR series, defacing it when it is a head (issue 4): reads
 * every file, decodes every frame (native and every compressed syntax, classic and enhanced
 * multi-frame), assembles the volume, checks that the content is a head, plans the cut, then
 * - defaced: the cut is written into the decoded frames and each file goes through `anonymize`
 *   with them (native Explicit VR Little Endian, 113102, Recognizable Visual Features NO);
 * - no face in view, not a head, not a volume: each file anonymized as usual, pixels untouched;
 * - a head whose checks failed, or a series whose header says "head" but whose content cannot be
 *   read or does not look like one: every file withheld with the reason. Never defaced halfway.
 * One volume is held at a time; native frames are views of the inputs' bytes (which the cut
 * writes into). Never throws.
 */
export const defaceSeries = async (
  inputs: readonly SeriesInput[],
  plan: Plan,
  options: SeriesOptions = {},
): Promise<SeriesResult> => {
  try {
    return await run(inputs, plan, options);
  } catch (e) {
    const reason = `internal error while defacing (${e instanceof Error ? e.message : String(e)})`;
    return withholdAll(inputs, [], { kind: 'withheld', message: reason });
  }
};

const asUsual = (inputs: readonly SeriesInput[], plan: Plan, verdict: SeriesVerdict): SeriesResult => ({
  verdict,
  outcomes: inputs.map((i) => anonymize(i.bytes, plan, i.name)),
});

const withholdAll = (
  inputs: readonly SeriesInput[],
  files: (DicomFile | undefined)[],
  verdict: Extract<SeriesVerdict, { kind: 'withheld' }>,
): SeriesResult => ({
  verdict,
  outcomes: inputs.map((input, i) => {
    const f = files[i];
    const original = f ? instanceInfo(f.dataset, f.meta, f.transferSyntax.littleEndian) : undefined;
    return {
      status: 'withheld',
      reason: `${input.name}: ${verdict.message}`,
      ...(original ? { original } : {}),
    };
  }),
});

const run = async (inputs: readonly SeriesInput[], plan: Plan, options: SeriesOptions): Promise<SeriesResult> => {
  if (plan.deface === false) return asUsual(inputs, plan, { kind: 'off', message: 'defacing is off' });
  // Read every input; those that cannot be read are left to `anonymize`, which says why.
  const read: (DicomFile | undefined)[] = inputs.map((i) => {
    const r = readDicom(i.bytes);
    return r.ok ? r.value : undefined;
  });
  const files: DicomFile[] = [];
  const inputOf: number[] = [];
  for (const [i, f] of read.entries())
    if (f) {
      files.push(f);
      inputOf.push(i);
    }
  const first = files[0];
  if (!first) return asUsual(inputs, plan, { kind: 'not-volume', message: 'no file of the series could be read' });
  const hint = seriesFactsOf(instanceInfo(first.dataset, first.meta, first.transferSyntax.littleEndian)).headHint;
  // The volume is read and judged in a function of its own: when nothing is cut, its voxels are
  // garbage before the files are written, so a long series costs its bytes about twice, not thrice.
  const analysed = await analyse(files, hint, options);
  if (analysed.verdict.kind === 'withheld') return withholdAll(inputs, read, analysed.verdict);
  if (!('cut' in analysed)) return asUsual(inputs, plan, analysed.verdict);
  const { cut, mask, voxels, frames, volume } = analysed;
  const frameOfReferenceUID = volume.frameOfReferenceUID;

  applyCut(voxels, cut.cut, frames, cut.fill.stored);
  // The proof, before anything is written: a face detector looks at renders of the skin before
  // and after. A face still found after the cut withholds the series (fail closed); a face not
  // found on the original either is reported as proving nothing, and the cut stands on its own
  // checks (the margin recheck above).
  let checked: FaceCheckResult | undefined;
  if (options.detector) {
    let detector: FaceDetector;
    try {
      detector = await options.detector();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return withholdAll(inputs, read, {
        kind: 'withheld',
        message: `the face detector could not be loaded (${why}), so the defaced head cannot be checked; withheld (turn the face check off to release it unchecked)`,
        frameOfReferenceUID,
      });
    }
    const after = voxelsOf(volume, frames, voxels.modality, voxels.rescale);
    checked = await faceCheck(voxels, after, detector, { frame: cut.axes, mask });
    if (checked.detectedAfter > 0)
      return withholdAll(inputs, read, {
        kind: 'withheld',
        message: `${checked.message}; the series is withheld`,
        frameOfReferenceUID,
        faceCheck: checked,
      });
  }
  // Each file's frames, in its own frame order, from the volume's slice order.
  const perFile: Samples[][] = files.map(() => []);
  volume.frames.forEach((f, k) => {
    perFile[f.source.instance]![f.source.frame] = frames[k]!;
  });
  const outcomes: Outcome[] = inputs.map((input, i) => {
    const at = inputOf.indexOf(i);
    if (at < 0) return anonymize(input.bytes, plan, input.name); // unreadable: withheld or skipped, with why
    return anonymize(input.bytes, plan, input.name, { frames: perFile[at]!, method: '113102' });
  });
  return {
    verdict: { ...analysed.verdict, ...(checked ? { faceCheck: checked } : {}) },
    outcomes,
  };
};

/** A series read and judged: the verdict, and when the face is to be cut, what the cut needs. */
type Analysed =
  | { verdict: SeriesVerdict }
  | {
      verdict: SeriesVerdict;
      cut: Extract<DefaceVerdict, { kind: 'defaced' }>;
      mask: BrainMask;
      voxels: Voxels;
      frames: Samples[];
      volume: Volume;
    };

/** Assembles, decodes and judges the volume of a series' readable files. */
const analyse = async (files: DicomFile[], hint: string, options: SeriesOptions): Promise<Analysed> => {
  /** Without a head hint, what cannot be read as a volume is anonymized as usual; with one, withheld (fail closed). */
  const doubt = (why: string): Analysed => ({ verdict: doubtful(hint, 'not-volume', why) });
  const series = seriesVolume(files);
  if (!series.ok) return doubt(`it is not one volume (${series.error.message})`);
  const decoded = await decodeSlices(files, series.value.volume);
  if (!decoded.ok) return doubt(`its pixels could not be decoded (${decoded.error.message})`);
  const pixels = voxelsFromFrames(files, series.value, decoded.value);
  if (!pixels.ok) return doubt(`its pixels could not be read as a volume (${pixels.error.message})`);
  const { voxels, frames, volume } = pixels.value;
  const { mask, plan: cut, verdict } = judgeVolume(voxels, volume.notes, volume.frameOfReferenceUID, hint, options);
  if (verdict.kind !== 'defaced' || cut.kind !== 'defaced') return { verdict };
  return { verdict, cut, mask, voxels, frames, volume };
};

/** What a series doubtful as a head becomes: withheld when its header says "head" (fail closed), else `kind`. */
const doubtful = (
  hint: string,
  kind: 'not-head' | 'not-volume',
  why: string,
  frameOfReferenceUID?: string,
): SeriesVerdict =>
  hint
    ? {
        kind: 'withheld',
        message: `the header says this is a head (${hint}), but ${why}; withheld rather than risk leaving a face`,
        ...(frameOfReferenceUID ? { frameOfReferenceUID } : {}),
      }
    : { kind, message: kind === 'not-head' ? `not a head volume: ${why}` : why };

/** A decoded volume judged, before anything is written: the masks, the cut's plan and the series verdict. */
export interface JudgedVolume {
  mask: BrainMask;
  plan: DefaceVerdict;
  /** The series' verdict as the run gives it (without the face check, which needs the cut applied). */
  verdict: SeriesVerdict;
}

/**
 * The decisions on one decoded volume, in the run's order: the content gate (not a head: left as
 * it is, or withheld when the header says head), then the cut's own verdict (refused: withheld;
 * no face in view; defaced). Pure: the 3D view calls it too, so what it shows is what a run does.
 */
export const judgeVolume = (
  voxels: Voxels,
  volumeNotes: readonly string[],
  frameOfReferenceUID: string,
  headHint: string,
  options: DefaceOptions = {},
): JudgedVolume => {
  const { mask, verdict: plan } = planDeface(voxels, options);
  const notHead = notAHead(voxels, mask);
  const verdict: SeriesVerdict = notHead
    ? doubtful(headHint, 'not-head', notHead, frameOfReferenceUID)
    : plan.kind === 'refused'
      ? { kind: 'withheld', message: plan.reason, frameOfReferenceUID }
      : plan.kind === 'no-face'
        ? { kind: 'no-face', message: plan.reason, brainMl: plan.brainMl, frameOfReferenceUID }
        : {
            kind: 'defaced',
            removedMl: plan.removedMl,
            brainMl: plan.brainMl,
            marginMm: plan.marginMm,
            message: plan.message,
            notes: [...volumeNotes, ...plan.notes],
            frameOfReferenceUID,
          };
  return { mask, plan, verdict };
};
