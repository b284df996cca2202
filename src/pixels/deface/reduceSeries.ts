import type { Result } from '../../dicom/ReadError.ts';
import { decodeFrame } from '../codecs/index.ts';
import { assembleSeries, type SeriesVolume, sharedRescale } from './readVoxels.ts';
import { voxelReducer } from './reduce.ts';
import { readAgain, type SeriesInput, type SeriesSurvey, surveyedFrames } from './seriesFiles.ts';
import type { Voxels } from './Voxels.ts';

/** A series read for judging: its volume (the series' own), the voxels judged and which of them are padding. */
export interface SeriesVoxels extends SeriesVolume {
  /** The judging copy (`reduce.ts`): the series' own voxels when small enough, else block means with `fine` set. */
  voxels: Voxels;
  /** The voxels that are PixelPaddingValue throughout, when any is. */
  padding?: Uint8Array;
}

/** Why a series could not be read into voxels: not one volume, a frame not decoded, or pixels that do not make voxels. */
export interface SeriesVoxelsError {
  kind: 'not-volume' | 'not-decoded' | 'not-voxels';
  message: string;
}

/**
 * The slices each readable input holds, as [frame in the file, slice in the volume] pairs, indexed
 * by the input's place among the readable ones (`SurveyedFile.instance`).
 */
export const slicesByInstance = (survey: SeriesSurvey, volume: SeriesVolume['volume']): [number, number][][] => {
  const slices: [number, number][][] = survey.readable.map(() => []);
  volume.frames.forEach((f, k) => {
    slices[f.source.instance]!.push([f.source.frame, k]);
  });
  return slices;
};

/**
 * The second pass: a surveyed series (`surveySeries`) assembled into one CT or MR volume, its
 * rescale checked from the headers, then every input read again, its frames decoded (any transfer
 * syntax Veil decodes) and added to the judging copy one slice at a time: the series' own voxels
 * never exist together, and each input's bytes go before the next is read.
 */
export const seriesVoxels = async (
  inputs: readonly SeriesInput[],
  survey: SeriesSurvey,
): Promise<Result<SeriesVoxels, SeriesVoxelsError>> => {
  const fail = (kind: SeriesVoxelsError['kind'], message: string) => ({ ok: false, error: { kind, message } }) as const;
  const series = assembleSeries(surveyedFrames(survey), (i) => survey.files[survey.readable[i]!]!.modality);
  if (!series.ok) return fail('not-volume', series.error.message);
  const { volume, modality } = series.value;
  const rescale = sharedRescale(volume, (i) => survey.files[survey.readable[i]!]!.rescales);
  if (!rescale.ok) return fail('not-voxels', rescale.error.message);
  const reducer = voxelReducer(volume, modality, rescale.value);
  const plane = volume.rows * volume.columns;
  const slices = slicesByInstance(survey, volume);
  for (const [instance, at] of survey.readable.entries()) {
    const again = await readAgain(inputs[at]!, survey.files[at]!);
    if (!again.ok) return fail('not-voxels', again.error.message);
    for (const [frame, k] of slices[instance]!) {
      const r = await decodeFrame(again.value.file, frame);
      if (!r.ok) return fail('not-decoded', r.error.message);
      if (r.value.samplesPerPixel !== 1) return fail('not-decoded', 'colour images are not defaced');
      if (r.value.pixels.length < plane) return fail('not-voxels', `slice ${k + 1} decoded to too few samples`);
      reducer.add(k, r.value.pixels);
    }
  }
  return { ok: true, value: { volume, modality, ...reducer.finish() } };
};
