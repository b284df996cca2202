import type { Dataset } from '../dicom/Dataset.ts';
import { type DicomFile, readDicom } from '../dicom/read.ts';
import { ExplicitVRLittleEndian } from '../dicom/TransferSyntax.ts';
import { isPrivate, isPrivateCreator } from '../dicom/tag.ts';
import { charsetOf, getString, stringOf } from '../dicom/values.ts';
import type { Samples } from '../pixels/codecs/DecodedFrame.ts';
import { pixelsDiffer } from '../pixels/write/samePixels.ts';
import { decide, describeTag } from './Decision.ts';
import { pseudonymFor } from './deidentify.ts';
import type { Pseudonym } from './handlers/PersonName.ts';
import type { IdentityMatcher } from './handlers/Text.ts';
import { CLASS_UID_TAGS, isWellKnownUid } from './handlers/UID.ts';
import { describePath, scanForLeaks, visitElements } from './LeakScan.ts';
import type { Context } from './profile/conformance.ts';
import type { Profile } from './profile/Profile.ts';
import { isSafePrivate } from './profile/safePrivate.ts';
import { BURNED_IN_ANNOTATION, type PixelMethod, RECOGNIZABLE_VISUAL_FEATURES } from './Record.ts';

/** What verification needs to know about the input. */
export interface Expectations {
  profile: Profile;
  matcher: IdentityMatcher;
  /** Every instance UID found in the input (well-known ones excluded). */
  originalUids: Set<string>;
  sopClass: string;
  /** Values allowed under Z for Patient's Name / Patient ID: the pseudonym. */
  pseudonym: Pseudonym;
  /** The pixels were replaced: the output must carry exactly these frames, and say how they were cleaned. */
  pixels?: { frames: readonly Samples[]; method: PixelMethod };
}

/**
 * Fail closed (issue: "A file is offered only after its output has been re-read and verified
 * clean"): re-parses the written bytes and checks that no original UID, no identity string and no
 * attribute the profile removes or blanks is left. Returns the first problem in words, or undefined.
 */
export const verifyOutput = (
  bytes: Uint8Array,
  x: Expectations,
): { ok: true; file: DicomFile } | { ok: false; problem: string } => {
  const r = readDicom(bytes);
  if (!r.ok) return { ok: false, problem: `the output could not be read back: ${r.error.message}` };
  const { dataset, meta } = r.value;
  const leaks = scanForLeaks(dataset, x.matcher, false);
  const problem =
    originalUidIn(meta, x) ??
    originalUidIn(dataset, x) ??
    (leaks[0] && `identifying text "${leaks[0].found}" is still in ${leaks[0].where}`) ??
    profileBreach(dataset, x) ??
    (x.pixels && pixelsBreach(r.value, x.pixels));
  return problem ? { ok: false, problem } : { ok: true, file: r.value };
};

/**
 * After a pixel step: native Explicit VR Little Endian, exactly the new samples, the method's
 * CID 7050 code in the De-identification Method Code Sequence, for defacing Recognizable
 * Visual Features NO, for cleaned text Burned In Annotation NO. Fails closed: an output whose pixels were meant to change never goes out
 * with the old ones.
 */
const pixelsBreach = (file: DicomFile, p: NonNullable<Expectations['pixels']>): string | undefined => {
  if (file.transferSyntax.uid !== ExplicitVRLittleEndian)
    return `the new pixels should be written in Explicit VR Little Endian, not ${file.transferSyntax.uid}`;
  const differs = pixelsDiffer(file, p.frames);
  if (differs) return `the output does not carry the cleaned pixels: ${differs}`;
  const codes = (file.dataset.get(0x00120064)?.items ?? []).map((item) => getString(item, 0x00080100));
  if (!codes.includes(p.method)) return `the De-identification Method Code Sequence lacks ${p.method}`;
  if (p.method === '113102' && getString(file.dataset, RECOGNIZABLE_VISUAL_FEATURES) !== 'NO')
    return 'Recognizable Visual Features (0028,0302) should be NO after defacing';
  if (p.method === '113101' && getString(file.dataset, BURNED_IN_ANNOTATION) !== 'NO')
    return 'Burned In Annotation (0028,0301) should be NO after the text was cleaned';
  return undefined;
};

/** Collects the instance UIDs of a data set (for the check above). */
export const instanceUids = (ds: Dataset, into = new Set<string>()): Set<string> => {
  visitElements(ds, (e) => {
    if (e.vr !== 'UI') return;
    for (const u of (stringOf(e) ?? '').split('\\')) if (u && !isWellKnownUid(u.trim())) into.add(u.trim());
  });
  return into;
};

const originalUidIn = (ds: Dataset, x: Expectations): string | undefined => {
  if (x.profile.options.retainUIDs) return undefined;
  let found: string | undefined;
  visitElements(ds, (e, _owner, _cs, path) => {
    // Class UIDs (a vendor's private SOP Class) legitimately survive; instance UIDs may not.
    if (found || e.vr !== 'UI' || CLASS_UID_TAGS.has(e.tag)) return;
    const hit = (stringOf(e) ?? '').split('\\').find((u) => x.originalUids.has(u.trim()));
    if (hit) found = `original UID ${hit.trim()} is still in ${describePath(path)}`;
  });
  return found;
};

/** Checks that what the profile removes (X) is gone and what it blanks (Z) is empty. */
const profileBreach = (top: Dataset, x: Expectations): string | undefined => {
  let breach: string | undefined;
  const check = (ds: Dataset, depth: number, path: number[], inherited: string): void => {
    const cs = charsetOf(ds, inherited);
    const c: Context = { sopClass: x.sopClass, depth, path, has: (t) => top.has(t) };
    for (const e of ds.elements()) {
      if (breach) return;
      if (isPrivate(e.tag)) {
        if (isPrivateCreator(e.tag)) continue;
        const block = (e.tag >>> 8) & 0xff;
        const creator = stringOf(ds.get(((e.tag >>> 16) << 16) | block), cs) ?? '';
        const safe = x.profile.privateRule.action === 'C' && isSafePrivate(creator, e.tag >>> 16, e.tag & 0xffff);
        if (!safe)
          breach = `private element ${describeTag(e.tag)} (${creator || 'no creator'}) should have been removed`;
      } else {
        const a = decide(e, x.profile, c, 'profile');
        const empty = !e.items?.length && !e.value?.length;
        if (a === 'X') breach = `${describeTag(e.tag)} should have been removed`;
        else if (a === 'Z' && !empty && !isPseudonym(e.tag, stringOf(e, cs), x.pseudonym)) {
          breach = `${describeTag(e.tag)} should be empty`;
        }
      }
      for (const item of e.items ?? []) check(item, depth + 1, [...path, e.tag], cs);
    }
  };
  check(top, 0, [], '');
  return breach;
};

const isPseudonym = (t: number, v: string | undefined, p: Pseudonym): boolean =>
  (t === 0x00100010 || t === 0x00100020) && v === pseudonymFor(t, p);
