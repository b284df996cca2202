import type { Result } from '../../dicom/ReadError.ts';
import { type DicomFile, readDicom } from '../../dicom/read.ts';
import { getString } from '../../dicom/values.ts';
import { type InstanceInfo, instanceInfo } from '../../study/InstanceInfo.ts';
import type { FrameGeometry } from '../geometry/FrameGeometry.ts';
import { instanceFrames } from '../geometry/readFrames.ts';
import { frameRescales, modalityOf, type VoxelError } from './readVoxels.ts';
import type { Rescale } from './Voxels.ts';

/**
 * The files of one series as the series call reads them: one at a time, as often as it needs
 * (`defaceSeries.ts`: once to survey the headers, once to gather the voxels, once to write the
 * cut), so that a series never holds more than one input's bytes, whatever its size.
 */

/**
 * One input file of a series: its name (for messages) and how to read its whole bytes, which is
 * called again on every pass. The CLI reads the file from disk, the app from its `File`; bytes
 * already in memory (`inMemory`) are handed out as they are. A native file's cut is written into
 * the bytes the last read returned. A read that throws makes the file unreadable (withheld, saying why).
 */
export interface SeriesInput {
  name: string;
  load(): Promise<Uint8Array> | Uint8Array;
}

/** Inputs whose bytes are already in memory (tests, a file read for another purpose): each read returns them. */
export const inMemory = (files: readonly { name: string; bytes: Uint8Array }[]): SeriesInput[] =>
  files.map(({ name, bytes }) => ({ name, load: () => bytes }));

/** What the header of one readable input says, kept after its bytes are let go. */
export interface SurveyedFile {
  /** Its place among the readable inputs: its frames' `source.instance`. */
  instance: number;
  /** For the report, also when the series is withheld. */
  info: InstanceInfo;
  /** Its frames placed in patient space, or why they cannot be. */
  frames: Result<FrameGeometry[], VoxelError>;
  /** Each frame's rescale, or why there is none (colour, no Image Pixel module). */
  rescales: Result<Rescale[], VoxelError>;
  modality: string;
  /** What a later read must match to be the same file: size, SOP Instance UID, frames' positions. */
  fingerprint: string;
}

/** The headers of a series, read one input at a time. */
export interface SeriesSurvey {
  /** Per input, in input order: its header, or undefined when it could not be read as DICOM (`anonymize` says why). */
  files: (SurveyedFile | undefined)[];
  /** The input index of each readable input, in order (`SurveyedFile.instance` indexes this). */
  readable: number[];
}

/** Reads an input's bytes once; a read that throws becomes the reason. */
export const loadInput = async (input: SeriesInput): Promise<Result<Uint8Array, VoxelError>> => {
  try {
    return { ok: true, value: await input.load() };
  } catch (e) {
    return {
      ok: false,
      error: { message: `${input.name}: could not be read (${e instanceof Error ? e.message : String(e)})` },
    };
  }
};

/** The first pass: every input's header, each input's bytes let go before the next is read. */
export const surveySeries = async (inputs: readonly SeriesInput[]): Promise<SeriesSurvey> => {
  const files: (SurveyedFile | undefined)[] = [];
  const readable: number[] = [];
  for (const input of inputs) {
    const bytes = await loadInput(input);
    const read = bytes.ok ? readDicom(bytes.value) : undefined;
    if (!bytes.ok || !read?.ok) {
      files.push(undefined);
      continue;
    }
    const f = read.value;
    const frames = instanceFrames(f, readable.length);
    readable.push(files.length);
    files.push({
      instance: readable.length - 1,
      info: instanceInfo(f.dataset, f.meta, f.transferSyntax.littleEndian),
      frames,
      rescales: frameRescales(f),
      modality: modalityOf(f),
      fingerprint: fingerprintOf(bytes.value, f, frames),
    });
  }
  return { files, readable };
};

/** Every readable input's frames, in input order (as `seriesFrames` gives them), or the first failure. */
export const surveyedFrames = (survey: SeriesSurvey): Result<FrameGeometry[], VoxelError> => {
  const all: FrameGeometry[] = [];
  for (const i of survey.readable) {
    const frames = survey.files[i]!.frames;
    if (!frames.ok) return frames;
    all.push(...frames.value);
  }
  return { ok: true, value: all };
};

/**
 * Reads a surveyed input again: its bytes and file, or why it is not the file surveyed (it could
 * not be read, or it changed meanwhile: another size, instance or geometry). Nothing judged on the
 * first reading is applied to a file that is not the same.
 */
export const readAgain = async (
  input: SeriesInput,
  surveyed: SurveyedFile,
): Promise<Result<{ bytes: Uint8Array; file: DicomFile }, VoxelError>> => {
  const bytes = await loadInput(input);
  if (!bytes.ok) return bytes;
  const read = readDicom(bytes.value);
  const changed = { ok: false, error: { message: `${input.name} changed since it was first read` } } as const;
  if (!read.ok) return changed;
  const frames = instanceFrames(read.value, surveyed.instance);
  if (fingerprintOf(bytes.value, read.value, frames) !== surveyed.fingerprint) return changed;
  return { ok: true, value: { bytes: bytes.value, file: read.value } };
};

const SOP_INSTANCE_UID = 0x00080018;

const fingerprintOf = (bytes: Uint8Array, f: DicomFile, frames: Result<FrameGeometry[], unknown>): string => {
  const sop = getString(f.dataset, SOP_INSTANCE_UID) ?? '';
  const at = frames.ok ? frames.value.map((g) => g.imagePositionPatient.join('\\')).join('|') : '';
  return `${bytes.length} ${sop} ${at}`;
};
