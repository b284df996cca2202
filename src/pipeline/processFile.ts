/**
 * One file, start to finish, as the CLI's workers and the app's engine worker both run it:
 * read once; when its pixels may carry burned-in text (src/deid/BurnedIn.ts) find the text, black
 * it out and read the result back (src/pixels/text/); then de-identify, write and verify
 * (`anonymizeRead`) with the cleaned pixels. Everything else, a CT or MR slice above all, goes
 * straight to the header path with no OCR cost.
 *
 * It lives here, not in src/deid/ or src/pixels/, because it joins the two: the de-identifier
 * knows nothing of OCR, the OCR knows nothing of profiles, and both callers want one call.
 */

import { anonymizeRead, type Plan, type TextBoxPlan } from '../deid/anonymize.ts';
import { textScanFor } from '../deid/BurnedIn.ts';
import { identityStrings } from '../deid/Identity.ts';
import type { Outcome } from '../deid/Outcome.ts';
import type { Dataset } from '../dicom/Dataset.ts';
import { type DicomFile, readDicom } from '../dicom/read.ts';
import { getString } from '../dicom/values.ts';
import { type Box, type CleanedText, type CleanOptions, cleanBurnedInText } from '../pixels/text/index.ts';
import { type InstanceInfo, instanceInfo } from '../study/InstanceInfo.ts';
import { textCleaningOf } from './textCleaning.ts';

/** Pixel Data (7FE0,0010). */
const PIXEL_DATA = 0x7fe00010;

/**
 * The key under which box layouts are shared by "every image of the same size from the same
 * device" (issue 5 §4): Manufacturer (0008,0070), Manufacturer's Model Name (0008,1090), and
 * Rows×Columns, since a device prints its text in the same places on screens of one size.
 */
export const textDeviceKey = (manufacturer: string, model: string, rows: number, columns: number): string =>
  `${manufacturer.trim()}|${model.trim()}|${rows}x${columns}`;

/** The device key of a data set (see textDeviceKey). */
export const textDeviceKeyOf = (dataset: Dataset, info: InstanceInfo): string => {
  const charset = getString(dataset, 0x00080005) ?? '';
  return textDeviceKey(
    getString(dataset, 0x00080070, charset) ?? '',
    getString(dataset, 0x00081090, charset) ?? '',
    info.rows ?? 0,
    info.columns ?? 0,
  );
};

/** A box clipped to the frame, or undefined when nothing of it is left. */
const clip = (b: Box, rows: number, columns: number): Box | undefined => {
  const x = Math.max(0, Math.round(b.x));
  const y = Math.max(0, Math.round(b.y));
  const width = Math.min(columns, Math.round(b.x + b.width)) - x;
  const height = Math.min(rows, Math.round(b.y + b.height)) - y;
  return width > 0 && height > 0 ? { ...b, x, y, width, height } : undefined;
};

/**
 * The boxes the user chose for one image, one list per frame, or undefined where they chose none
 * (OCR decides). The most specific choice wins: the image's own, then its series', then its
 * device's. A series or device layout serves every frame; boxes are clipped to the frame.
 */
export const chosenBoxes = (
  choice: TextBoxPlan | undefined,
  info: InstanceInfo,
  deviceKey: string,
): Box[][] | undefined => {
  if (!choice) return undefined;
  const frames = Math.max(1, info.numberOfFrames ?? 1);
  const rows = info.rows ?? 0;
  const columns = info.columns ?? 0;
  const own = choice.images?.[info.sopInstanceUID];
  const layout = choice.series?.[info.seriesInstanceUID] ?? choice.devices?.[deviceKey];
  if (!own && !layout) return undefined;
  const inFrame = (boxes: readonly Box[]) =>
    boxes.map((b) => clip(b, rows, columns)).filter((b): b is Box => b !== undefined);
  return Array.from({ length: frames }, (_, i) => inFrame((own ? own[i] : layout) ?? []));
};

/** How text is cleaned: the cleaner's options, and the cleaner itself (tests count its calls). */
export interface ProcessOptions {
  clean?: CleanOptions;
  /** The burned-in text cleaner (default: cleanBurnedInText). */
  cleaner?: (file: DicomFile, identity: readonly string[], options?: CleanOptions) => Promise<CleanedText>;
}

/**
 * De-identifies one file, cleaning burned-in text first where the image may carry some (issue 5):
 * - an image to scan (at risk, or its series chosen by the user) is cleaned with the input's
 *   identity strings and the batch's (`plan.extraIdentity`), with the boxes the user chose for it
 *   (`plan.textBoxes`) in place of what OCR finds; when the text cannot be shown gone
 *   it is withheld with the reason; otherwise it goes out native in Explicit VR Little Endian,
 *   RGB for colour, with 113101 and Burned In Annotation NO, and its boxes in the outcome;
 * - a series the user cleared goes out unscanned, as they said; with scanning off an image at
 *   risk is withheld as before;
 * - everything else is de-identified as it is.
 * `name` is only used in messages. Never throws.
 */
export const processFile = async (
  bytes: Uint8Array,
  plan: Plan,
  name: string,
  options: ProcessOptions = {},
): Promise<Outcome> => {
  try {
    return await run(bytes, plan, name, options);
  } catch (e) {
    // A bug must never let a file through: withheld, and said so.
    const why = e instanceof Error ? e.message : String(e);
    return { status: 'withheld', reason: `${name}: internal error while de-identifying (${why})` };
  }
};

const run = async (bytes: Uint8Array, plan: Plan, name: string, options: ProcessOptions): Promise<Outcome> => {
  const read = readDicom(bytes);
  if (!read.ok) return anonymizeRead(read, plan, name);
  const file = read.value;
  const original = instanceInfo(file.dataset, file.meta, file.transferSyntax.littleEndian);
  const scan = textScanFor(original, plan);
  // No pixels, no text to find in them: an encapsulated PDF saying YES is judged by the header path.
  if (scan.kind === 'none' || !file.dataset.has(PIXEL_DATA)) return anonymizeRead(read, plan, name);

  const identity = [...identityStrings(file.dataset, plan.options), ...(plan.extraIdentity ?? [])];
  const chosen = chosenBoxes(plan.textBoxes, original, textDeviceKeyOf(file.dataset, original));
  let cleaned: CleanedText;
  try {
    const clean = chosen ? { ...options.clean, boxes: chosen } : options.clean;
    cleaned = await (options.cleaner ?? cleanBurnedInText)(file, identity, clean);
  } catch (e) {
    // The cleaner promises not to throw; if it does, the image is withheld, not let through.
    const why = e instanceof Error ? e.message : String(e);
    return {
      status: 'withheld',
      reason: `${name}: internal error while looking for text in the pixels (${why})`,
      original,
    };
  }
  if (!cleaned.verdict.ok) {
    return {
      status: 'withheld',
      reason: `${name}: ${scan.reason}; ${chosen ? 'with the boxes chosen in the preview, ' : ''}${cleaned.verdict.reason}; withheld (fail closed)`,
      original,
    };
  }
  return anonymizeRead(read, plan, name, {
    frames: cleaned.frames,
    photometric: cleaned.photometric,
    method: '113101',
    embeddedOverlayGroups: cleaned.overlays.map((o) => o.group),
    text: textCleaningOf(cleaned),
  });
};
