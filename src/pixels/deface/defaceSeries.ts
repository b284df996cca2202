import { anonymize, type Plan } from '../../deid/anonymize.ts';
import type { Outcome } from '../../deid/Outcome.ts';
import { type DicomFile, readDicom } from '../../dicom/read.ts';
import { seriesFactsOf } from '../../study/headVolume.ts';
import { type InstanceInfo, instanceInfo } from '../../study/InstanceInfo.ts';
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
 * Takes one input's outcome as soon as it is made; the series waits for it (a slow disk slows the
 * series instead of filling memory). `index` is the input's place in the series.
 */
export type EmitOutcome = (index: number, outcome: Outcome) => void | Promise<void>;

/**
 * De-identifies the files of one CT or MR series, defacing it when it is a head (issue 4): reads
 * every file, decodes every frame (native and every compressed syntax, classic and enhanced
 * multi-frame), assembles the volume, checks that the content is a head, plans the cut, then
 * - defaced: the cut is written into the decoded frames and each file goes through `anonymize`
 *   with them (native Explicit VR Little Endian, 113102, Recognizable Visual Features NO);
 * - no face in view, not a head, not a volume: each file anonymized as usual, pixels untouched;
 * - a head whose checks failed, or a series whose header says "head" but whose content cannot be
 *   read or does not look like one: every file withheld with the reason. Never defaced halfway.
 *
 * Streams: each outcome goes to `emit` as soon as it is made, and the series lets go of that
 * input's bytes (`inputs[i]` becomes undefined: the array is consumed), so a series costs its
 * inputs plus its voxels, never its inputs plus all its outputs. One volume is held at a time;
 * native frames are views of the inputs' bytes (which the cut writes into). Never throws.
 */
export const streamSeries = async (
  inputs: (SeriesInput | undefined)[],
  plan: Plan,
  options: SeriesOptions,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  const names = inputs.map((i) => i?.name ?? '');
  let emitted = 0;
  const out: EmitOutcome = async (i, o) => {
    inputs[i] = undefined;
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
    for (let i = emitted; i < names.length; i++)
      await out(i, { status: 'withheld', reason: `${names[i]}: ${verdict.message}` });
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
  const verdict = await streamSeries([...inputs], plan, options, (i, o) => {
    outcomes[i] = o;
  });
  return { verdict, outcomes };
};

/** The series' inputs as `run` holds them: each let go once its outcome is emitted. */
type Held = (SeriesInput | undefined)[];

/** The bytes of an input not yet emitted. */
const bytesOf = (inputs: Held, i: number): SeriesInput => {
  const input = inputs[i];
  if (!input) throw new Error(`input ${i} was used after its outcome`);
  return input;
};

const asUsual = async (inputs: Held, plan: Plan, verdict: SeriesVerdict, emit: EmitOutcome): Promise<SeriesVerdict> => {
  for (let i = 0; i < inputs.length; i++) {
    const input = bytesOf(inputs, i);
    await emit(i, anonymize(input.bytes, plan, input.name));
  }
  return verdict;
};

const withholdAll = async (
  inputs: Held,
  originals: readonly (InstanceInfo | undefined)[],
  verdict: Extract<SeriesVerdict, { kind: 'withheld' }>,
  emit: EmitOutcome,
): Promise<SeriesVerdict> => {
  for (let i = 0; i < inputs.length; i++) {
    const original = originals[i];
    await emit(i, {
      status: 'withheld',
      reason: `${bytesOf(inputs, i).name}: ${verdict.message}`,
      ...(original ? { original } : {}),
    });
  }
  return verdict;
};

const run = async (inputs: Held, plan: Plan, options: SeriesOptions, emit: EmitOutcome): Promise<SeriesVerdict> => {
  if (plan.deface === false) return asUsual(inputs, plan, { kind: 'off', message: 'defacing is off' }, emit);
  const prepared = await prepare(inputs, options);
  if (prepared.kind === 'as-usual') return asUsual(inputs, plan, prepared.verdict, emit);
  if (prepared.kind === 'withhold') return withholdAll(inputs, prepared.originals, prepared.verdict, emit);
  const { perInput } = prepared;
  for (let i = 0; i < inputs.length; i++) {
    const input = bytesOf(inputs, i);
    const frames = perInput[i];
    perInput[i] = undefined; // a native file's frames are views of its bytes: both go together
    // Unreadable inputs have no frames: `anonymize` withholds or skips them, and says why.
    await emit(
      i,
      frames
        ? anonymize(input.bytes, plan, input.name, { frames, method: '113102' })
        : anonymize(input.bytes, plan, input.name),
    );
  }
  return prepared.verdict;
};

/** What a series becomes before any file is written. */
type Prepared =
  | { kind: 'as-usual'; verdict: SeriesVerdict }
  | {
      kind: 'withhold';
      verdict: Extract<SeriesVerdict, { kind: 'withheld' }>;
      /** The header of each input that could be read, for the report's series section. */
      originals: (InstanceInfo | undefined)[];
    }
  /** The face is cut: each input's frames with the cut written in (undefined for unreadable inputs). */
  | { kind: 'cut'; verdict: SeriesVerdict; perInput: (Samples[] | undefined)[] };

/**
 * Reads, judges, cuts and face-checks a series. Its own function so that the parsed files, the
 * voxels and the masks are garbage once it returns: writing the files then costs only their bytes.
 */
const prepare = async (inputs: Held, options: SeriesOptions): Promise<Prepared> => {
  // Read every input; those that cannot be read are left to `anonymize`, which says why.
  const read: (DicomFile | undefined)[] = inputs.map((_, i) => {
    const r = readDicom(bytesOf(inputs, i).bytes);
    return r.ok ? r.value : undefined;
  });
  const withhold = (verdict: Extract<SeriesVerdict, { kind: 'withheld' }>): Prepared => ({
    kind: 'withhold',
    verdict,
    originals: read.map((f) => (f ? instanceInfo(f.dataset, f.meta, f.transferSyntax.littleEndian) : undefined)),
  });
  const files: DicomFile[] = [];
  const inputOf: number[] = [];
  for (const [i, f] of read.entries())
    if (f) {
      files.push(f);
      inputOf.push(i);
    }
  const first = files[0];
  if (!first)
    return { kind: 'as-usual', verdict: { kind: 'not-volume', message: 'no file of the series could be read' } };
  const hint = seriesFactsOf(instanceInfo(first.dataset, first.meta, first.transferSyntax.littleEndian)).headHint;
  const analysed = await analyse(files, hint, options);
  if (analysed.verdict.kind === 'withheld') return withhold(analysed.verdict);
  if (!('cut' in analysed)) return { kind: 'as-usual', verdict: analysed.verdict };
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
      return withhold({
        kind: 'withheld',
        message: `the face detector could not be loaded (${why}), so the defaced head cannot be checked; withheld (turn the face check off to release it unchecked)`,
        frameOfReferenceUID,
      });
    }
    const after = voxelsOf(volume, frames, voxels.modality, voxels.rescale);
    checked = await faceCheck(voxels, after, detector, { frame: cut.axes, mask });
    if (checked.detectedAfter > 0)
      return withhold({
        kind: 'withheld',
        message: `${checked.message}; the series is withheld`,
        frameOfReferenceUID,
        faceCheck: checked,
      });
  }
  // Each file's frames, in its own frame order, from the volume's slice order.
  // Every readable file gets its list, even one with no frame in the volume (the edit then fails
  // and the file is withheld): a readable file never goes out with its pixels unedited.
  const perInput: (Samples[] | undefined)[] = read.map((f) => (f ? [] : undefined));
  volume.frames.forEach((f, k) => {
    perInput[inputOf[f.source.instance]!]![f.source.frame] = frames[k]!;
  });
  return { kind: 'cut', verdict: { ...analysed.verdict, ...(checked ? { faceCheck: checked } : {}) }, perInput };
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
