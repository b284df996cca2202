import type { Dataset, Element } from '../dicom/Dataset.ts';
import { isPrivate, isPrivateCreator } from '../dicom/tag.ts';
import { MAX_LENGTH, STRING, type VR } from '../dicom/VR.ts';
import { charsetOf, stringElement, stringOf } from '../dicom/values.ts';
import { type Action, decide, type Mode } from './Decision.ts';
import { DUMMY_DATE, DUMMY_DATETIME, DUMMY_TIME, shiftDA, shiftDT } from './handlers/DateTime.ts';
import { keyedCode, type Pseudonym, personPseudonym } from './handlers/PersonName.ts';
import type { IdentityMatcher } from './handlers/Text.ts';
import { CLASS_UID_TAGS, type UidMap } from './handlers/UID.ts';
import type { Key } from './Key.ts';
import type { ActionCounts } from './Outcome.ts';
import type { Context } from './profile/conformance.ts';
import type { Profile } from './profile/Profile.ts';
import { isSafePrivate } from './profile/safePrivate.ts';

/** Everything the pipeline needs for one file. */
export interface FileContext {
  profile: Profile;
  key: Key;
  uids: UidMap;
  identity: IdentityMatcher;
  /** Days to shift dates by (Modified Dates option), or undefined. */
  shiftDays: number | undefined;
  /** The pseudonym written as Patient's Name and Patient ID. */
  pseudonym: Pseudonym;
  sopClass: string;
  counts: ActionCounts;
}

const PATIENT_NAME = 0x00100010;
const PATIENT_ID = 0x00100020;

/**
 * Applies the profile to a data set in place, at every sequence depth (PS3.15 §E.1.1: "the
 * Profile rules are applied recursively to each Item"), private sequences included.
 */
export const deidentifyDataset = (ds: Dataset, f: FileContext): void => {
  walk(ds, f, { depth: 0, path: [], charset: charsetOf(ds), mode: 'profile', top: ds });
};

interface Where {
  depth: number;
  path: number[];
  charset: string;
  mode: Mode;
  top: Dataset;
}

const contextOf = (f: FileContext, w: Where): Context => ({
  sopClass: f.sopClass,
  depth: w.depth,
  path: w.path,
  has: (t) => w.top.has(t),
});

const walk = (ds: Dataset, f: FileContext, w: Where): void => {
  const charset = charsetOf(ds, w.charset);
  const here = { ...w, charset };
  const c = contextOf(f, here);
  const keptBlocks = new Set<number>();
  for (const e of ds.elements()) {
    if ((e.tag & 0xffff) === 0) {
      ds.delete(e.tag); // group lengths: dropped, the writer needs none
      continue;
    }
    if (isPrivate(e.tag)) {
      if (isPrivateCreator(e.tag)) continue; // decided below, once we know which blocks stay
      if (keepPrivate(ds, e, f, charset)) {
        keptBlocks.add(((e.tag >>> 16) << 8) | ((e.tag >>> 8) & 0xff));
        f.counts.kept++;
        if (e.items) for (const item of e.items) walk(item, f, nest(here, e.tag, here.mode));
      } else {
        ds.delete(e.tag);
        f.counts.removed++;
      }
      continue;
    }
    apply(ds, e, decide(e, f.profile, c, here.mode), f, here);
  }
  // A Private Creator stays only if an element of its block stayed (PS3.5 §7.8.1).
  for (const e of ds.elements()) {
    if (isPrivateCreator(e.tag) && !keptBlocks.has(((e.tag >>> 16) << 8) | (e.tag & 0xff))) ds.delete(e.tag);
  }
};

const nest = (w: Where, t: number, mode: Mode): Where => ({ ...w, depth: w.depth + 1, path: [...w.path, t], mode });

/** §E.3.10: private data elements go, unless Retain Safe Private is on and Table E.3.10-1 lists them. */
const keepPrivate = (ds: Dataset, e: Element, f: FileContext, charset: string): boolean => {
  if (f.profile.privateRule.action !== 'C') return false;
  const block = (e.tag >>> 8) & 0xff;
  if (block < 0x10) return false;
  const creator = stringOf(ds.get(((e.tag >>> 16) << 16) | block), charset);
  return !!creator && isSafePrivate(creator, e.tag >>> 16, e.tag & 0xffff);
};

const apply = (ds: Dataset, e: Element, action: Action, f: FileContext, w: Where): void => {
  const counts = f.counts;
  switch (action) {
    case 'X':
      ds.delete(e.tag);
      counts.removed++;
      return;
    case 'K':
      counts.kept++;
      if (e.items) for (const item of e.items) walk(item, f, nest(w, e.tag, w.mode));
      return;
    case 'U':
      if (e.items) {
        // X/Z/U* resolved to U: keep the references, replacing the UIDs inside.
        for (const item of e.items) walk(item, f, nest(w, e.tag, w.mode));
        counts.kept++;
        return;
      }
      replaceUids(ds, e, f);
      return;
    case 'Z':
      if (e.tag === PATIENT_NAME || e.tag === PATIENT_ID) {
        // Z allows "a non-zero length value that may be a dummy value": the pseudonym.
        ds.set(stringElement(e.tag, pseudonymFor(e.tag, f.pseudonym), e.vr, w.charset));
        counts.replaced++;
        return;
      }
      ds.set(e.items ? { tag: e.tag, vr: 'SQ', items: [] } : { tag: e.tag, vr: e.vr, value: new Uint8Array(0) });
      counts.emptied++;
      return;
    case 'D':
      if (e.items) {
        for (const item of e.items) walk(item, f, nest(w, e.tag, 'dummy-text'));
        counts.replaced++;
        return;
      }
      ds.set(dummy(e, f, w));
      counts.replaced++;
      return;
    case 'C':
      if (e.items) {
        for (const item of e.items) walk(item, f, nest(w, e.tag, 'clean-text'));
        counts.cleaned++;
        return;
      }
      ds.set(clean(e, f, w));
      counts.cleaned++;
      return;
  }
};

/** U: every UID of the value (VM may be > 1) through the keyed map; class UIDs stay. */
const replaceUids = (ds: Dataset, e: Element, f: FileContext): void => {
  const v = stringOf(e);
  if (!v || CLASS_UID_TAGS.has(e.tag)) {
    f.counts.kept++;
    return;
  }
  const mapped = v
    .split('\\')
    .map((u) => f.uids.map(u.trim()))
    .join('\\');
  ds.set(stringElement(e.tag, mapped, 'UI'));
  f.counts.uids++;
};

/** The pseudonym's form for Patient's Name or Patient ID. */
export const pseudonymFor = (t: number, p: Pseudonym): string => (t === PATIENT_NAME ? p.name : p.id);

const isIdLike = (e: Element): boolean => e.vr === 'LO' || e.vr === 'SH';

/** D: a non-zero-length value valid for the VR (PS3.15 Table E.1-1a). */
const dummy = (e: Element, f: FileContext, w: Where): Element => {
  const original = stringOf(e, w.charset) ?? '';
  const sized = (s: string, vr: VR = e.vr) =>
    stringElement(e.tag, s.slice(0, MAX_LENGTH[vr] ?? s.length), vr, w.charset);
  if (e.tag === PATIENT_ID || e.tag === PATIENT_NAME) return sized(pseudonymFor(e.tag, f.pseudonym));
  switch (e.vr) {
    case 'PN':
      return sized(personPseudonym(f.key, original));
    case 'UI':
      return sized(f.uids.map(original || `dummy:${e.tag}`));
    case 'DA':
      return sized(f.shiftDays !== undefined && original ? shiftDA(original, f.shiftDays) || DUMMY_DATE : DUMMY_DATE);
    case 'DT':
      return sized(
        f.shiftDays !== undefined && original ? shiftDT(original, f.shiftDays) || DUMMY_DATETIME : DUMMY_DATETIME,
      );
    case 'TM':
      return sized(DUMMY_TIME);
    case 'DS':
    case 'IS':
      return sized('0');
    case 'AS':
      return sized('000D');
    case 'CS':
    case 'AE':
      return sized('ANONYMIZED');
    case 'UR':
      return sized('urn:veil:anonymized');
    default:
      if (STRING.has(e.vr)) {
        // IDs (LO/SH) get a keyed code so they still link within the data set; text a plain dummy.
        return sized(isIdLike(e) && original ? keyedCode(f.key, `id:${e.tag}`, original, 10) : 'ANONYMIZED');
      }
      // Binary VRs: zeros of the same length keep the multiplicity and the VR's unit size.
      return { tag: e.tag, vr: e.vr, value: new Uint8Array(e.value?.length ?? 0) };
  }
};

/** C: a value of similar meaning with nothing identifying (dates shifted, text cleaned). */
const clean = (e: Element, f: FileContext, w: Where): Element => {
  const original = stringOf(e, w.charset) ?? '';
  switch (e.vr) {
    case 'DA':
      return f.shiftDays === undefined ? e : stringElement(e.tag, shiftDA(original, f.shiftDays), 'DA');
    case 'DT':
      return f.shiftDays === undefined ? e : stringElement(e.tag, shiftDT(original, f.shiftDays), 'DT');
    case 'TM':
      return e; // whole-day shifts leave the time of day as it was
    case 'PN':
      return original ? stringElement(e.tag, personPseudonym(f.key, original), 'PN') : e;
    case 'AE':
      return original ? stringElement(e.tag, `AE${keyedCode(f.key, 'ae', original, 10)}`, 'AE') : e;
    case 'UI':
      return stringElement(e.tag, f.uids.map(original), 'UI');
    default:
      if (STRING.has(e.vr) && e.vr !== 'CS') return stringElement(e.tag, f.identity.clean(original), e.vr, w.charset);
      return e;
  }
};
