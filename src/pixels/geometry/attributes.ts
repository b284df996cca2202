import type { Dataset, Element } from '../../dicom/Dataset.ts';
import { stringOf } from '../../dicom/values.ts';

/**
 * The attributes that place an image in patient space (PS3.3 C.7.6.2 Image Plane Module and the
 * functional group macros of C.7.6.16.2), by their standard keywords.
 */
export const ImagePositionPatient = 0x00200032;
export const ImageOrientationPatient = 0x00200037;
export const FrameOfReferenceUID = 0x00200052;
export const PixelSpacing = 0x00280030;
export const SliceThickness = 0x00180050;
export const Rows = 0x00280010;
export const Columns = 0x00280011;
export const NumberOfFrames = 0x00280008;
export const InstanceNumber = 0x00200013;
export const SOPInstanceUID = 0x00080018;
export const SeriesNumber = 0x00200011;
export const SharedFunctionalGroupsSequence = 0x52009229;
export const PerFrameFunctionalGroupsSequence = 0x52009230;
export const PlanePositionSequence = 0x00209113;
export const PlaneOrientationSequence = 0x00209116;
export const PixelMeasuresSequence = 0x00289110;

/**
 * All values of a DS or IS element as numbers ("-127.5\-127.5\112" → [-127.5, -127.5, 112]).
 * Undefined when the element is absent, empty, or any value is not a number: a half-read
 * position is worse than none.
 */
export const decimalsOf = (e: Element | undefined): number[] | undefined => {
  if (!e || (e.vr !== 'DS' && e.vr !== 'IS')) return undefined;
  const s = stringOf(e);
  if (!s?.trim()) return undefined;
  const xs = s.split('\\').map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  return xs.every(Number.isFinite) ? xs : undefined;
};

/** The first item of a sequence attribute in a data set, if any. */
export const firstItem = (ds: Dataset | undefined, t: number): Dataset | undefined => ds?.get(t)?.items?.[0];
