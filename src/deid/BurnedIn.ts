import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Which images may carry burned-in text (names, dates, IDs written into the pixels) that no
 * header rule can reach (issue 5 §1). The answer is a small table, read top to bottom: the first
 * rule that matches gives the reason in words. Burned In Annotation NO is the device's word that
 * there is none, and ends the search; YES is the device's word that there is some.
 *
 * Images matched here are scanned for text by default (src/pipeline/processFile.ts); CT and MR
 * volumes are not, unless the user names their series. Where scanning is off, an image matched
 * here is withheld unless the user clears its series.
 */

/** One rule of the table: what it matches, and why such images may carry text. */
interface TextRiskRule {
  /** SOP Class UIDs, exact; one ending with '.' also matches every class under it ("1.2.3." → 1.2.3, 1.2.3.1…). */
  sopClasses?: readonly string[];
  /** Modalities (0008,0060). */
  modalities?: readonly string[];
  /** A test on the instance beyond class and modality (Image Type, series description…). */
  test?: (info: InstanceInfo) => boolean;
  reason: string;
}

const has = (imageType: string, ...values: string[]): boolean => {
  const parts = imageType.toUpperCase().split('\\');
  return values.some((v) => parts.includes(v));
};

/** Image Type values and series descriptions that mean "a picture of a screen" (dose pages, protocols, reports). */
const SCREEN = /SCREEN ?SHOT|SCREEN ?SAVE|SCREEN CAPTURE|CAPTURE|DOSE|PROTOCOL|REPORT|SUMMARY|KEY ?IMAGE/i;

/** The table (PS3.3 A.x IODs by SOP Class, PS3.3 C.7.3.1.1.1 modalities). First match wins. */
const RULES: readonly TextRiskRule[] = [
  {
    sopClasses: ['1.2.840.10008.5.1.4.1.1.6.', '1.2.840.10008.5.1.4.1.1.3.1', '1.2.840.10008.5.1.4.1.1.3'],
    modalities: ['US', 'IVUS'],
    reason: 'an ultrasound image: its pixels usually carry the patient’s name, ID and date',
  },
  {
    sopClasses: ['1.2.840.10008.5.1.4.1.1.7.'],
    reason: 'a secondary capture: it may be a screenshot with text in its pixels',
  },
  {
    sopClasses: ['1.2.840.10008.5.1.4.1.1.12.'],
    modalities: ['XA', 'RF'],
    reason: 'an X-ray angiography or fluoroscopy image: they often show text in the pixels',
  },
  {
    sopClasses: ['1.2.840.10008.5.1.4.1.1.77.1.'],
    modalities: ['ES', 'XC', 'OP', 'GM', 'SM', 'VL', 'OPT', 'BDUS'],
    reason: 'an endoscopy, microscopy or photograph: cameras and video grabbers write text into the picture',
  },
  {
    // CR (1.1), DX (1.1.1), MG (1.1.2), IO (1.1.3), each with its "for processing" class.
    sopClasses: ['1.2.840.10008.5.1.4.1.1.1.'],
    modalities: ['CR', 'DX', 'MG', 'IO', 'PX', 'RG'],
    reason: 'a radiograph or mammogram: the name, date or side marker is often written into the pixels',
  },
  {
    sopClasses: ['1.2.840.10008.5.1.4.1.1.2.', '1.2.840.10008.5.1.4.1.1.4.'],
    test: (i) => has(i.imageType, 'SCREEN SAVE', 'SCREENSHOT', 'SCREEN SHOT', 'DOSE_INFO', 'DOSE INFO'),
    reason: 'a screen saved as an image (a dose page or protocol): it shows text',
  },
  {
    test: (i) => has(i.imageType, 'SECONDARY') && (SCREEN.test(i.imageType) || SCREEN.test(i.seriesDescription)),
    reason: 'a derived image that looks like a screen (dose report, protocol, key image): it may show text',
  },
  {
    // A derived CT or MR image with no place in patient space is no slice of a volume: a picture of a screen.
    modalities: ['CT', 'MR'],
    test: (i) => has(i.imageType, 'DERIVED') && has(i.imageType, 'SECONDARY') && !i.orientation,
    reason: 'a derived secondary image with no position in the patient: likely a screen capture with text',
  },
];

const matchesClass = (uid: string, list: readonly string[]): boolean =>
  list.some((c) => (c.endsWith('.') ? uid.startsWith(c) || uid === c.slice(0, -1) : uid === c));

const matches = (r: TextRiskRule, i: InstanceInfo): boolean => {
  const byClass = r.sopClasses ? matchesClass(i.sopClassUID, r.sopClasses) : undefined;
  const byModality = r.modalities ? r.modalities.includes(i.modality.toUpperCase()) : undefined;
  // Class or modality (either names the kind of image); a rule with neither is decided by its test.
  const kind = byClass === undefined && byModality === undefined ? true : byClass === true || byModality === true;
  return kind && (r.test ? r.test(i) : true);
};

/**
 * Why an image's pixels may carry burned-in text, in words, or undefined when nothing says so
 * (a CT or MR slice, or Burned In Annotation NO). These images are scanned for text by default.
 */
export const burnedInRisk = (info: InstanceInfo): string | undefined => {
  const bia = info.burnedInAnnotation;
  if (bia === 'YES') return 'Burned In Annotation is YES: the image has text written into its pixels';
  if (bia === 'NO') return undefined;
  return RULES.find((r) => matches(r, info))?.reason;
};

/** What the plan says about scanning pixels for text (fields of the engine's Plan). */
export interface TextScanChoices {
  /** Scan images for burned-in text (default on). Off: images at risk are withheld as before. */
  scanText?: boolean;
  /** Original Series Instance UIDs to scan although nothing says they carry text (a CT, an MR). */
  scanSeries?: readonly string[];
  /** Original Series Instance UIDs the user cleared without scanning (released as they are). */
  allowBurnedInSeries?: readonly string[];
}

/** What to do with one image's pixels before de-identification, and why (in words). */
export type TextScan =
  | { kind: 'scan'; reason: string }
  /** No risk, or the user cleared the series, or scanning is off: the header path alone decides. */
  | { kind: 'none' };

/**
 * Whether one image is scanned for burned-in text: images at risk by default, any image of a
 * series the user named, never one the user cleared (their word stands), never with scanning off
 * (the header path then withholds images at risk, as before).
 */
export const textScanFor = (info: InstanceInfo, plan: TextScanChoices): TextScan => {
  if (plan.scanText === false) return { kind: 'none' };
  if (plan.allowBurnedInSeries?.includes(info.seriesInstanceUID)) return { kind: 'none' };
  if (plan.scanSeries?.includes(info.seriesInstanceUID))
    return { kind: 'scan', reason: 'its series was chosen to be scanned for text' };
  const risk = burnedInRisk(info);
  return risk ? { kind: 'scan', reason: risk } : { kind: 'none' };
};
