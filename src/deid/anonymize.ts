import { fileMeta } from '../dicom/FileMeta.ts';
import { readDicom } from '../dicom/read.ts';
import { getString } from '../dicom/values.ts';
import { writePart10 } from '../dicom/write.ts';
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
import type { Outcome } from './Outcome.ts';
import { type ProfileOptions, validateOptions } from './options.ts';
import { buildProfile, type Profile } from './profile/Profile.ts';
import { writeRecord } from './Record.ts';
import { instanceUids, verifyOutput } from './Verify.ts';

/** Everything the engine needs to de-identify one file, decided before processing starts. */
export interface Plan {
  options: ProfileOptions;
  key: Key;
  /** Pseudonyms the user typed, by original Patient ID; others are derived from the key. */
  pseudonyms?: Record<string, string>;
  /** Original Series Instance UIDs the user cleared although their pixels may carry text. */
  allowBurnedInSeries?: string[];
  /** Identity strings found elsewhere in the batch (the inventory), searched for as well. */
  extraIdentity?: string[];
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
 * `name` is only used in messages. Never throws: every failure becomes a Withheld outcome.
 */
export const anonymize = (bytes: Uint8Array, plan: Plan, name: string): Outcome => {
  try {
    return run(bytes, plan, name);
  } catch (e) {
    // A bug must never let a file through: withhold it and say so.
    return { status: 'withheld', reason: `${name}: internal error while de-identifying (${(e as Error).message})` };
  }
};

const run = (bytes: Uint8Array, plan: Plan, name: string): Outcome => {
  const bad = validateOptions(plan.options);
  if (bad) return { status: 'withheld', reason: bad };
  const read = readDicom(bytes);
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
  const burnedIn = burnedInRisk(original);
  if (burnedIn && !plan.allowBurnedInSeries?.includes(original.seriesInstanceUID)) {
    return withheld(`${burnedIn}; withheld until it is checked (clear the series to include it)`);
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
  writeRecord(dataset, plan.options);

  const sopInstanceUID = getString(dataset, 0x00080018) ?? '';
  const out = writePart10({
    meta: fileMeta(original.sopClassUID, sopInstanceUID, transferSyntax.uid),
    dataset,
    transferSyntax,
  });
  const verified = verifyOutput(out, { profile, matcher, originalUids, sopClass: original.sopClassUID, pseudonym });
  if (!verified.ok) return withheld(`verification failed: ${verified.problem}`);
  return {
    status: 'anonymized',
    bytes: out,
    info: instanceInfo(verified.file.dataset, verified.file.meta, transferSyntax.littleEndian),
    counts: f.counts,
    notes: read.value.warnings,
    identity,
  };
};
