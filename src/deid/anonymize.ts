import { fileMeta } from '../dicom/FileMeta.ts';
import type { Result } from '../dicom/ReadError.ts';
import { type DicomFile, readDicom } from '../dicom/read.ts';
import { getString, numberOf } from '../dicom/values.ts';
import { writePart10 } from '../dicom/write.ts';
import type { Samples } from '../pixels/codecs/DecodedFrame.ts';
import type { Box } from '../pixels/text/Box.ts';
import { replacePixelData } from '../pixels/write/replacePixels.ts';
import { nativeColour } from '../pixels/write/toRgb.ts';
import { instanceInfo } from '../study/InstanceInfo.ts';
import { MEDIA_STORAGE_DIRECTORY } from '../study/sniff.ts';
import { burnedInRisk } from './BurnedIn.ts';
import { deidentifyDataset, type FileContext } from './deidentify.ts';
import { dateShiftDays } from './handlers/DateTime.ts';
import { patientPseudonym, typedPseudonym } from './handlers/PersonName.ts';
import { IdentityMatcher } from './handlers/Text.ts';
import { UidMap } from './handlers/UID.ts';
import { identityStrings, patientIdentity } from './Identity.ts';
import type { Key } from './Key.ts';
import { scanForLeaks } from './LeakScan.ts';
import type { Outcome, TextCleaning } from './Outcome.ts';
import { type ProfileOptions, validateOptions } from './options.ts';
import { buildProfile, type Profile } from './profile/Profile.ts';
import { type PixelMethod, writeRecord } from './Record.ts';
import { instanceUids, verifyOutput } from './Verify.ts';

/** Everything the engine needs to de-identify one file, decided before processing starts. */
export interface Plan {
  options: ProfileOptions;
  key: Key;
  /** Pseudonyms the user typed, by original Patient ID; others are derived from the key. */
  pseudonyms?: Record<string, string>;
  /** Original Series Instance UIDs the user cleared although their pixels may carry text. */
  allowBurnedInSeries?: string[];
  /**
   * Scan images that may carry burned-in text (issue 5: on by default; `false` turns it off, and
   * images at risk are then withheld unless cleared). Read by `processFile`, not by `anonymize`.
   */
  scanText?: boolean;
  /** Original Series Instance UIDs to scan for text although nothing says they carry any (CT, MR). */
  scanSeries?: string[];
  /** Identity strings found elsewhere in the batch (the inventory), searched for as well. */
  extraIdentity?: string[];
  /**
   * Deface head CT and MR volumes (issue 4: on by default; `false` turns it off). Read by the
   * series-level call (`defaceSeries`) and the CLI, not by `anonymize`, which works on one file.
   */
  deface?: boolean;
  /**
   * Check each defaced head with the face detector (issue 4, "show the proof": on by default).
   * Read by the callers of `defaceSeries`, which load the detector once per worker.
   */
  faceCheck?: boolean;
  /**
   * Boxes of burned-in text the user chose in the preview (issue 5 §4), used instead of what OCR
   * finds on the images they cover; the result is still read back. Read by `processFile`.
   */
  textBoxes?: TextBoxPlan;
}

/**
 * Where boxes chosen by the user apply, from the most specific to the least: one image (every
 * frame's boxes), one series (one layout for every frame of every image in it), or every image of
 * the same size from the same device (`textDeviceKey` in src/pipeline/processFile.ts).
 */
export interface TextBoxPlan {
  /** By original SOP Instance UID: the boxes of each frame. */
  images?: Record<string, Box[][]>;
  /** By original Series Instance UID: one layout for every frame. */
  series?: Record<string, Box[]>;
  /** By device key (Manufacturer, Model, Rows×Columns): one layout for every frame. */
  devices?: Record<string, Box[]>;
}

/**
 * New pixels for one file, from a pixel-level step (defacing, burned-in text removal), and what
 * that step was: `anonymize` writes them native in Explicit VR Little Endian, records the CID 7050
 * code, and verifies that the output carries exactly these samples.
 */
export interface PixelEdit {
  /** One decoded frame per frame of the file, interleaved samples (as `decodeFrame` returns them). */
  frames: Samples[];
  /** The new samples' Photometric Interpretation, when it differs from the file's (YBR decoded to RGB). */
  photometric?: string;
  /** 113102 Clean Recognizable Visual Features (defacing) or 113101 Clean Pixel Data. */
  method: PixelMethod;
  /** Overlay groups (60xx) embedded in the old pixel words: the new samples have none, so they go. */
  embeddedOverlayGroups?: readonly number[];
  /** What text cleaning did, for the outcome (boxes, no PHI). */
  text?: TextCleaning;
}

const profiles = new Map<string, Profile>();
const profileFor = (o: ProfileOptions): Profile => {
  const k = JSON.stringify(o);
  const p = profiles.get(k) ?? buildProfile(o);
  profiles.set(k, p);
  return p;
};

// Files of one patient share their identity strings: compiling the matcher once per patient, not
// per file, matters on a CD of thousands of slices.
let lastMatcher: IdentityMatcher | undefined;
const matcherFor = (identity: string[]): IdentityMatcher => {
  const same =
    lastMatcher &&
    lastMatcher.strings.length === identity.length &&
    lastMatcher.strings.every((s, i) => s === identity[i]);
  if (!same) lastMatcher = new IdentityMatcher(identity);
  return lastMatcher!;
};

/**
 * De-identifies one file: read, apply the PS3.15 profile, write, re-read and verify.
 * `name` is only used in messages. With `pixels`, the file's Pixel Data is replaced by them (the
 * output is then Explicit VR Little Endian). Never throws: every failure becomes a Withheld outcome.
 */
export const anonymize = (bytes: Uint8Array, plan: Plan, name: string, pixels?: PixelEdit): Outcome => {
  try {
    return run(readDicom(bytes), plan, name, pixels);
  } catch (e) {
    // A bug must never let a file through: withhold it and say so.
    return internalError(name, e);
  }
};

/**
 * `anonymize` for a file the caller has already read (with `readDicom`, whole): the single-file
 * pipeline reads once to decide whether pixels need cleaning, and does not read again. The file's
 * data set is changed in place. Never throws.
 */
export const anonymizeRead = (read: Result<DicomFile>, plan: Plan, name: string, pixels?: PixelEdit): Outcome => {
  try {
    return run(read, plan, name, pixels);
  } catch (e) {
    return internalError(name, e);
  }
};

const internalError = (name: string, e: unknown): Outcome => ({
  status: 'withheld',
  reason: `${name}: internal error while de-identifying (${e instanceof Error ? e.message : String(e)})`,
});

const run = (read: Result<DicomFile>, plan: Plan, name: string, edit: PixelEdit | undefined): Outcome => {
  const bad = validateOptions(plan.options);
  if (bad) return { status: 'withheld', reason: bad };
  if (!read.ok) {
    if (read.error.kind === 'not-dicom') return { status: 'skipped', what: read.error.message };
    return { status: 'withheld', reason: `${name}: ${read.error.message}` };
  }
  const { dataset, meta, transferSyntax } = read.value;
  const original = instanceInfo(dataset, meta, transferSyntax.littleEndian);
  if (original.sopClassUID === MEDIA_STORAGE_DIRECTORY) {
    return { status: 'skipped', what: 'DICOMDIR of the input (its records hold PHI; a new one is written)' };
  }
  const withheld = (reason: string): Outcome => ({ status: 'withheld', reason: `${name}: ${reason}`, original });
  if (!getString(dataset, 0x00080018)) return withheld('it has no SOP Instance UID (0008,0018)');
  if (!getString(dataset, 0x00080016)) return withheld('it has no SOP Class UID (0008,0016)');
  // Text in the pixels: cleaned and read back clean (113101), or cleared by the user, or withheld.
  // An object without Pixel Data has no pixels to carry text, unless its device says YES (an
  // encapsulated PDF: its document is the text).
  const burnedIn =
    dataset.has(0x7fe00010) || original.burnedInAnnotation === 'YES' ? burnedInRisk(original) : undefined;
  const cleaned = edit?.method === '113101';
  if (burnedIn && !cleaned && !plan.allowBurnedInSeries?.includes(original.seriesInstanceUID)) {
    const how = plan.scanText === false ? 'scan it for text, or clear the series' : 'clear the series';
    return withheld(`${burnedIn}; withheld until it is checked (${how} to include it)`);
  }

  const profile = profileFor(plan.options);
  const identity = [...identityStrings(dataset, plan.options), ...(plan.extraIdentity ?? [])];
  const matcher = matcherFor(identity);
  const who = patientIdentity(dataset);
  const typed = plan.pseudonyms?.[original.patientId];
  const pseudonym = typed ? typedPseudonym(typed) : patientPseudonym(plan.key, who);
  const originalUids = instanceUids(meta);
  instanceUids(dataset, originalUids);

  const f: FileContext = {
    profile,
    key: plan.key,
    uids: new UidMap(plan.key),
    identity: matcher,
    shiftDays: plan.options.retainLongModifiedDates ? dateShiftDays(plan.key, who) : undefined,
    pseudonym,
    sopClass: original.sopClassUID,
    counts: { removed: 0, emptied: 0, replaced: 0, kept: 0, cleaned: 0, uids: 0 },
  };
  deidentifyDataset(dataset, f);
  const leaks = scanForLeaks(dataset, matcher, true);
  if (leaks.length) return withheld(`identifying text "${leaks[0]!.found}" in ${leaks[0]!.where} cannot be cleaned`);
  let outSyntax = transferSyntax;
  // Colour goes out as RGB, never YBR (issue 5 §5): converted before writing, so that verification
  // compares the output with exactly what was meant to be written.
  const bitsStored = numberOf(dataset.get(0x00280101), transferSyntax.littleEndian);
  const pixels = edit && {
    ...edit,
    ...nativeColour(edit, getString(dataset, 0x00280004) ?? '', bitsStored),
  };
  if (pixels) {
    const replaced = replacePixelData(read.value, pixels);
    if (!replaced.ok) return withheld(replaced.error.message);
    outSyntax = replaced.value;
  }
  writeRecord(dataset, plan.options, pixels ? [pixels.method] : []);

  const sopInstanceUID = getString(dataset, 0x00080018) ?? '';
  const out = writePart10({
    meta: fileMeta(original.sopClassUID, sopInstanceUID, outSyntax.uid),
    dataset,
    transferSyntax: outSyntax,
  });
  const verified = verifyOutput(out, {
    profile,
    matcher,
    originalUids,
    sopClass: original.sopClassUID,
    pseudonym,
    ...(pixels ? { pixels: { frames: pixels.frames, method: pixels.method } } : {}),
  });
  if (!verified.ok) return withheld(`verification failed: ${verified.problem}`);
  return {
    status: 'anonymized',
    bytes: out,
    info: instanceInfo(verified.file.dataset, verified.file.meta, outSyntax.littleEndian),
    counts: f.counts,
    notes: read.value.warnings,
    identity,
    ...(edit?.text ? { text: edit.text } : {}),
  };
};
