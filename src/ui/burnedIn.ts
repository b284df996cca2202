import type { DicomEntry } from '../../workers/api.ts';
import type { TextBoxPlan } from '../deid/anonymize.ts';
import type { FileRecord } from '../output/report.ts';
import { type Box, overlaps } from '../pixels/text/Box.ts';
import { count, plural } from './format.ts';

/**
 * Burned-in text in the app (issue 5), the parts with no DOM: which series are scanned and what
 * the tree says about them, whose boxes an image gets (the user's for the image, its series or its
 * device, else OCR's), how an edit is recorded in the plan, and the results' one-line summary.
 * The engine decides the same way (src/deid/BurnedIn.ts textScanFor, src/pipeline/processFile.ts).
 */

/** The user's choices about scanning. */
export interface TextChoices {
  /** "Find and black out text burned into images" (option-text-scan). */
  scanText: boolean;
  /** Series cleared to go out unscanned (allow-burned-in). */
  allowed: ReadonlySet<string>;
  /** Series the user asked to scan although nothing says they carry text (scan-series). */
  scanSeries: ReadonlySet<string>;
  /** Head series that will be defaced (defacing on): not scanned for text too (src/ui/defacing.ts HEAD_AND_TEXT). */
  defacedHeads?: ReadonlySet<string>;
}

/** Whether an image will be scanned for text in a run: the app's side of textScanFor. */
export const willScan = (e: DicomEntry, c: TextChoices): boolean => {
  const uid = e.info.seriesInstanceUID;
  if (!c.scanText || !e.hasPixels || c.allowed.has(uid) || c.defacedHeads?.has(uid)) return false;
  return e.burnedIn !== 'no' || c.scanSeries.has(uid);
};

/** A line of the tree about a series' burned-in text: its kind (for styling and tests) and its words. */
export interface TextLine {
  kind: 'scan' | 'scan-asked' | 'held' | 'unscanned';
  text: string;
}

/** What a run will do about text in a series' pixels; undefined for a series nothing says has any and nobody asked to scan. */
export const textPlanLine = (entries: readonly DicomEntry[], c: TextChoices): TextLine | undefined => {
  const uid = entries[0]?.info.seriesInstanceUID ?? '';
  const atRisk = entries.some((e) => e.burnedIn !== 'no');
  const asked = c.scanSeries.has(uid);
  if (!atRisk && !asked) return undefined;
  if (c.allowed.has(uid))
    return { kind: 'unscanned', text: 'Included as it is, without looking for text in the image, as you chose.' };
  if (asked && c.defacedHeads?.has(uid))
    return {
      kind: 'held',
      text: 'Held back: this head series is defaced, and defacing and text cleaning are not done together yet. Turn off “Remove the face from head scans” to scan it for text.',
    };
  if (!c.scanText)
    return atRisk
      ? {
          kind: 'held',
          text: 'Held back: scanning is off. Turn on “Find and black out text burned into images”, or include it without scanning below.',
        }
      : { kind: 'held', text: 'Not scanned for text: scanning is off.' };
  return asked && !atRisk
    ? {
        kind: 'scan-asked',
        text: 'Text in the image will be found and blacked out, as you asked, then read back to check.',
      }
    : {
        kind: 'scan',
        text: 'Text in the image will be found and blacked out, then read back to check. Open the preview to see and change the boxes.',
      };
};

/** Where the boxes an image gets come from. */
export type BoxSource = 'image' | 'series' | 'device' | 'ocr';

/** Where an edit applies (the user's choice in the preview). */
export type BoxScope = Exclude<BoxSource, 'ocr'>;

/** What names an image in the plan: its SOP and Series Instance UIDs, and its device key. */
export interface ImageKeys {
  sop: string;
  series: string;
  device: string;
}

/** The boxes one frame gets and where they come from: the most specific choice wins, as in processFile. */
export const effectiveBoxes = (
  plan: TextBoxPlan,
  k: ImageKeys,
  frame: number,
  found: readonly Box[][] | undefined,
): { boxes: Box[]; source: BoxSource } => {
  const own = plan.images?.[k.sop];
  if (own) return { boxes: own[frame] ?? [], source: 'image' };
  const series = plan.series?.[k.series];
  if (series) return { boxes: series, source: 'series' };
  const device = plan.devices?.[k.device];
  if (device) return { boxes: device, source: 'device' };
  return { boxes: [...(found?.[frame] ?? [])], source: 'ocr' };
};

/**
 * Records the boxes of one frame as the user left them, for the scope they chose: for this image
 * (every other frame keeps the boxes it has now), for its series, or for its device. A broader
 * choice drops this image's narrower ones so that it takes effect here.
 */
export const commitBoxes = (
  plan: TextBoxPlan,
  k: ImageKeys,
  scope: BoxScope,
  frame: number,
  boxes: readonly Box[],
  frames: number,
  found: readonly Box[][] | undefined,
): void => {
  if (scope === 'image') {
    const all = Array.from({ length: frames }, (_, i) =>
      i === frame ? [...boxes] : effectiveBoxes(plan, k, i, found).boxes,
    );
    plan.images = { ...plan.images, [k.sop]: all };
    return;
  }
  if (plan.images) delete plan.images[k.sop];
  if (scope === 'series') plan.series = { ...plan.series, [k.series]: [...boxes] };
  else {
    if (plan.series) delete plan.series[k.series];
    plan.devices = { ...plan.devices, [k.device]: [...boxes] };
  }
};

/** Forgets every choice that reaches this image (its own, its series', its device's): OCR decides again. */
export const resetBoxes = (plan: TextBoxPlan, k: ImageKeys): void => {
  if (plan.images) delete plan.images[k.sop];
  if (plan.series) delete plan.series[k.series];
  if (plan.devices) delete plan.devices[k.device];
};

/**
 * A box the user drew. It says "PHI found in pixels" where it covers a box OCR flagged so, so the
 * report still counts that image as having had PHI in its pixels.
 */
export const drawnBox = (
  rect: { x: number; y: number; width: number; height: number },
  found: readonly Box[] = [],
): Box => {
  const under = found.filter((b) => overlaps(b, rect));
  return {
    x: Math.round(rect.x),
    y: Math.round(rect.y),
    width: Math.max(1, Math.round(rect.width)),
    height: Math.max(1, Math.round(rect.height)),
    text: '',
    confidence: 100,
    phi: under.some((b) => b.phi),
    risks: [...new Set(under.flatMap((b) => b.risks))],
    keep: false,
  };
};

/** "Text blacked out in 3 images; PHI found in pixels in 2", or undefined when no image had text cleaned. */
export const textSummary = (records: readonly FileRecord[]): string | undefined => {
  const cleaned = records.filter(
    (r): r is Extract<FileRecord, { status: 'anonymized' }> => r.status === 'anonymized' && r.text !== undefined,
  );
  if (!cleaned.length) return undefined;
  const blacked = cleaned.filter((r) => r.text!.frameBoxes.some((f) => f.boxes.some((b) => b.blackedOut))).length;
  const phi = cleaned.filter((r) => r.text!.phiFound).length;
  const checked = cleaned.length - blacked;
  return [
    `Text blacked out in ${plural(blacked, 'image')}`,
    `PHI found in pixels in ${count(phi)}`,
    checked ? `${plural(checked, 'more image')} read and found clean` : '',
  ]
    .filter(Boolean)
    .join('; ')
    .concat('.');
};
