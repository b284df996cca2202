import { anonymize, type Plan } from '../../deid/anonymize.ts';
import type { Outcome } from '../../deid/Outcome.ts';
import { readDicom } from '../../dicom/read.ts';
import { seriesFactsOf } from '../../study/headVolume.ts';
import type { InstanceInfo } from '../../study/InstanceInfo.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import { decodeFrame } from '../codecs/index.ts';
import type { FaceDetector } from '../faceCheck/detector.ts';
import { type FaceCheckResult, faceCheck } from '../faceCheck/faceCheck.ts';
import type { BrainMask } from './brainMask.ts';
import { type DefaceOptions, type DefaceVerdict, planDeface } from './deface.ts';
import { notAHead } from './defaceSeriesGate.ts';
import { defacedCopy, sliceCutter } from './fill.ts';
import { type SeriesVoxels, type SeriesVoxelsError, seriesVoxels, slicesByInstance } from './reduceSeries.ts';
import { loadInput, readAgain, type SeriesInput, type SeriesSurvey, surveySeries } from './seriesFiles.ts';
import type { Voxels } from './Voxels.ts';

export { inMemory, type SeriesInput } from './seriesFiles.ts';

/** The verdict on one series, for the report and the app. */
export type SeriesVerdict =
  /** The face was removed; every file written with the new pixels (Explicit VR Little Endian). */
  | {
      kind: 'defaced';
      /** Tissue removed, mL (estimated on the judging copy when the series was reduced: its notes say so). */
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
 * Takes one input's outcome as soon as it is made; the series waits for it (a slow disk slows the
 * series instead of filling memory). `index` is the input's place in the series.
 */
export type EmitOutcome = (index: number, outcome: Outcome) => void | Promise<void>;

/**
 * De-identifies the files of one CT or MR series, defacing it when it is a head (issue 4): surveys
 * every file's header, assembles the volume, decodes every frame (native and every compressed
 * syntax, classic and enhanced multi-frame) into the copy judging reads (`reduce.ts`), checks
 * that the content is a head, plans the cut, then
 * - defaced: each file is read again, the cut written into its decoded frames at full resolution,
 *   and it goes through `anonymize` with them (native Explicit VR Little Endian, 113102,
 *   Recognizable Visual Features NO);
 * - no face in view, not a head, not a volume: each file anonymized as usual, pixels untouched;
 * - a head whose checks failed, or a series whose header says "head" but whose content cannot be
 *   read or does not look like one: every file withheld with the reason. Never defaced halfway:
 *   a file goes out with its whole cut or not at all.
 *
 * Streams: the inputs are read one at a time on each pass (`seriesFiles.ts`: survey, gather,
 * write) and each outcome goes to `emit` as soon as it is made, so a series costs one input's
 * bytes plus its judging copy, whatever its size, never all its inputs or outputs. A file that
 * cannot be read again, or changed since it was surveyed, is withheld. Never throws.
 */
export const streamSeries = async (
  inputs: readonly SeriesInput[],
  plan: Plan,
  options: SeriesOptions,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  let emitted = 0;
  const out: EmitOutcome = async (i, o) => {
    emitted = Math.max(emitted, i + 1);
    await emit(i, o);
  };
  try {
    return await run(inputs, plan, options, out);
  } catch (e) {
    // Only what was not emitted yet can still be withheld; what was emitted was complete and verified.
    const verdict: SeriesVerdict = {
      kind: 'withheld',
      message: `internal error while defacing (${e instanceof Error ? e.message : String(e)})`,
    };
    for (let i = emitted; i < inputs.length; i++)
      await out(i, { status: 'withheld', reason: `${inputs[i]!.name}: ${verdict.message}` });
    return verdict;
  }
};

/** `streamSeries`, collected: the verdict and every outcome at once (tests, the preview's one cached series). */
export const defaceSeries = async (
  inputs: readonly SeriesInput[],
  plan: Plan,
  options: SeriesOptions = {},
): Promise<SeriesResult> => {
  const outcomes: Outcome[] = [];
  const verdict = await streamSeries(inputs, plan, options, (i, o) => {
    outcomes[i] = o;
  });
  return { verdict, outcomes };
};

/** An input anonymized without pixel edits (or withheld when it cannot be read). */
const usual = async (input: SeriesInput, plan: Plan): Promise<Outcome> => {
  const bytes = await loadInput(input);
  return bytes.ok ? anonymize(bytes.value, plan, input.name) : { status: 'withheld', reason: bytes.error.message };
};

const asUsual = async (
  inputs: readonly SeriesInput[],
  plan: Plan,
  verdict: SeriesVerdict,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  for (const [i, input] of inputs.entries()) await emit(i, await usual(input, plan));
  return verdict;
};

const withholdAll = async (
  inputs: readonly SeriesInput[],
  originals: readonly (InstanceInfo | undefined)[],
  verdict: Extract<SeriesVerdict, { kind: 'withheld' }>,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  for (const [i, input] of inputs.entries()) {
    const original = originals[i];
    await emit(i, {
      status: 'withheld',
      reason: `${input.name}: ${verdict.message}`,
      ...(original ? { original } : {}),
    });
  }
  return verdict;
};

const run = async (
  inputs: readonly SeriesInput[],
  plan: Plan,
  options: SeriesOptions,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  if (plan.deface === false) return asUsual(inputs, plan, { kind: 'off', message: 'defacing is off' }, emit);
  const survey = await surveySeries(inputs);
  const prepared = await prepare(inputs, survey, options);
  if (prepared.kind === 'as-usual') return asUsual(inputs, plan, prepared.verdict, emit);
  if (prepared.kind === 'withhold')
    return withholdAll(
      inputs,
      survey.files.map((f) => f?.info),
      prepared.verdict,
      emit,
    );
  await writeCut(inputs, survey, prepared, plan, emit);
  return prepared.verdict;
};

/**
 * The last pass of a defaced series: each input read again, its frames decoded, the cut written
 * into them (`sliceCutter`: the series' own slices, at full resolution) and the file anonymized
 * with them. Unreadable inputs have no frames: `anonymize` withholds or skips them, and says why.
 * Every readable file gets its frames: a readable file never goes out with its pixels unedited.
 */
const writeCut = async (
  inputs: readonly SeriesInput[],
  survey: SeriesSurvey,
  cut: Extract<Prepared, { kind: 'cut' }>,
  plan: Plan,
  emit: EmitOutcome,
): Promise<void> => {
  for (const [i, input] of inputs.entries()) {
    const surveyed = survey.files[i];
    if (!surveyed) {
      await emit(i, await unsurveyed(input, plan));
      continue;
    }
    const withheld = (why: string): Outcome => ({
      status: 'withheld',
      reason: `${why}; the file is withheld rather than written without its cut`,
      original: surveyed.info,
    });
    const again = await readAgain(input, surveyed);
    if (!again.ok) {
      await emit(i, withheld(again.error.message));
      continue;
    }
    const frames: Samples[] = [];
    let failed: string | undefined;
    for (const [frame, k] of cut.slices[surveyed.instance]!) {
      const r = await decodeFrame(again.value.file, frame);
      if (!r.ok) {
        failed = `${input.name}: its frame ${frame + 1} could not be decoded again (${r.error.message})`;
        break;
      }
      cut.cutSlice(k, r.value.pixels);
      frames[frame] = r.value.pixels; // a native frame is a view of the bytes: the cut is in them
    }
    await emit(
      i,
      failed ? withheld(failed) : anonymize(again.value.bytes, plan, input.name, { frames, method: '113102' }),
    );
  }
};

/**
 * An input of a defaced series that could not be read when the series was surveyed: `anonymize`
 * says why it cannot be read (withheld or skipped), as it would have then. Should it read now (a
 * passing read error, a file replaced), it is withheld: it was not judged with the series, and
 * must not go out without the cut.
 */
const unsurveyed = async (input: SeriesInput, plan: Plan): Promise<Outcome> => {
  const bytes = await loadInput(input);
  if (!bytes.ok) return { status: 'withheld', reason: bytes.error.message };
  if (readDicom(bytes.value).ok)
    return {
      status: 'withheld',
      reason: `${input.name} could not be read when its series was judged, so it has no cut; withheld rather than written without it`,
    };
  return anonymize(bytes.value, plan, input.name);
};

/** What a series becomes before any file is written. */
type Prepared =
  | { kind: 'as-usual'; verdict: SeriesVerdict }
  | { kind: 'withhold'; verdict: Extract<SeriesVerdict, { kind: 'withheld' }> }
  /**
   * The face is cut: how to write the cut into a slice of the series (`sliceCutter`), and the
   * slices of each readable input (`slicesByInstance`). Nothing of the voxels or masks is kept.
   */
  | {
      kind: 'cut';
      verdict: SeriesVerdict;
      cutSlice: (k: number, frame: Samples) => number;
      slices: [number, number][][];
    };

/**
 * Gathers, judges and face-checks a surveyed series. Its own function so that the judging copy,
 * the masks and the face check's "after" are garbage once it returns: writing the files then costs
 * only one input at a time.
 */
const prepare = async (
  inputs: readonly SeriesInput[],
  survey: SeriesSurvey,
  options: SeriesOptions,
): Promise<Prepared> => {
  const first = survey.readable[0];
  if (first === undefined)
    return { kind: 'as-usual', verdict: { kind: 'not-volume', message: 'no file of the series could be read' } };
  const hint = seriesFactsOf(survey.files[first]!.info).headHint;
  const analysed = await analyse(inputs, survey, hint, options);
  if (analysed.verdict.kind === 'withheld') return { kind: 'withhold', verdict: analysed.verdict };
  if (!('cut' in analysed)) return { kind: 'as-usual', verdict: analysed.verdict };
  const { cut, mask, voxels, padding, volume } = analysed;
  const frameOfReferenceUID = volume.frameOfReferenceUID;
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
      return {
        kind: 'withhold',
        verdict: {
          kind: 'withheld',
          message: `the face detector could not be loaded (${why}), so the defaced head cannot be checked; withheld (turn the face check off to release it unchecked)`,
          frameOfReferenceUID,
        },
      };
    }
    const after = defacedCopy(voxels, cut.cut, cut.fill.physical, padding);
    checked = await faceCheck(voxels, after, detector, { frame: cut.axes, mask });
    if (checked.detectedAfter > 0)
      return {
        kind: 'withhold',
        verdict: {
          kind: 'withheld',
          message: `${checked.message}; the series is withheld`,
          frameOfReferenceUID,
          faceCheck: checked,
        },
      };
  }
  return {
    kind: 'cut',
    verdict: { ...analysed.verdict, ...(checked ? { faceCheck: checked } : {}) },
    cutSlice: sliceCutter(voxels, cut.cut, cut.fill.stored),
    slices: slicesByInstance(survey, volume),
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
      padding?: Uint8Array;
      volume: SeriesVoxels['volume'];
    };

/** What a series that cannot be read into voxels is, in the words of its doubt. */
const WHY: Record<SeriesVoxelsError['kind'], string> = {
  'not-volume': 'it is not one volume',
  'not-decoded': 'its pixels could not be decoded',
  'not-voxels': 'its pixels could not be read as a volume',
};

/** Assembles, decodes and judges the volume of a series' readable files. */
const analyse = async (
  inputs: readonly SeriesInput[],
  survey: SeriesSurvey,
  hint: string,
  options: SeriesOptions,
): Promise<Analysed> => {
  const read = await seriesVoxels(inputs, survey);
  // Without a head hint, what cannot be read as a volume is anonymized as usual; with one, withheld (fail closed).
  if (!read.ok) return { verdict: doubtful(hint, 'not-volume', `${WHY[read.error.kind]} (${read.error.message})`) };
  const { voxels, padding, volume } = read.value;
  const { mask, plan: cut, verdict } = judgeVolume(voxels, volume.notes, volume.frameOfReferenceUID, hint, options);
  if (verdict.kind !== 'defaced' || cut.kind !== 'defaced') return { verdict };
  return { verdict, cut, mask, voxels, volume, ...(padding ? { padding } : {}) };
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
