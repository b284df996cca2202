import type { Dataset } from '../dicom/Dataset.ts';
import { charsetOf, getString } from '../dicom/values.ts';
import { nameParts } from './handlers/PersonName.ts';
import { IDENTITY_ATTRIBUTES, type IdentityKind, retainedKinds } from './IdentityKind.ts';
import type { ProfileOptions } from './options.ts';

/**
 * The identity strings of an input file: what a leak scan looks for after the profile has run
 * (PS3.15 §E.1.1 warns that identifying text hides in attributes no table lists). Names are
 * split into their components, dates written the ways people write them.
 */

/** Strings too short or too common to search for without flagging half the header. */
const useful = (s: string): boolean => {
  const t = s.trim();
  // CJK names are often two characters; Latin ones need three to mean anything.
  if (/[^\x00-\x7f]/.test(t)) return t.length >= 2;
  return t.length >= 3 && !/^\d{1,3}$/.test(t) && !/^(MR|MRS|MS|DR|JR|SR|PHD|MD|THE|AND)\.?$/i.test(t);
};

/**
 * The strings to search for one identifying value: a name's components, a date the ways people
 * write it, an address whole and by its comma-separated parts ("12 Elm St, Springfield").
 */
export const formsOf = (kind: IdentityKind, value: string): string[] => {
  const forms = (() => {
    switch (kind) {
      case 'name':
      case 'staff':
        return nameParts(value);
      case 'birthDate':
        return dateForms(value);
      case 'address':
      case 'institutionAddress':
        return [value, ...value.split(/[,^\r\n]+/)];
      default:
        return [value];
    }
  })();
  return forms.map((f) => f.trim()).filter(useful);
};

const MONTHS = 'January February March April May June July August September October November December'.split(' ');

/** The ways a birth date "YYYYMMDD" is commonly written. */
export const dateForms = (da: string): string[] => {
  const m = da.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = MONTHS[Number(mo) - 1] ?? '';
  const day = String(Number(d));
  return [
    da,
    `${y}-${mo}-${d}`,
    `${d}.${mo}.${y}`,
    `${d}/${mo}/${y}`,
    `${mo}/${d}/${y}`,
    `${y}/${mo}/${d}`,
    `${day} ${month.slice(0, 3)} ${y}`,
    `${day} ${month} ${y}`,
    `${d}-${month.slice(0, 3)}-${y}`,
    `${month.slice(0, 3)} ${day}, ${y}`,
    `${month} ${day}, ${y}`,
    `${y}年${Number(mo)}月${day}日`,
  ];
};

/**
 * Collects the identity strings of a top-level data set. What an option keeps on purpose
 * (the institution under Retain Institution Identity) is not searched for.
 */
export const identityStrings = (ds: Dataset, options?: ProfileOptions): string[] => {
  const skip = retainedKinds(options);
  const cs = charsetOf(ds);
  const out = new Set<string>();
  const add = (kind: IdentityKind, s: string | undefined) => {
    for (const v of (s ?? '').split('\\')) for (const f of formsOf(kind, v.trim())) out.add(f);
  };
  for (const [t, kind] of IDENTITY_ATTRIBUTES) if (!skip.has(kind)) add(kind, getString(ds, t, cs));
  for (const item of ds.get(0x00101002)?.items ?? []) add('id', getString(item, 0x00100020, charsetOf(item, cs)));
  return [...out];
};

/**
 * The identity of a patient for pseudonyms and date shifts: Patient ID with its issuer, or the
 * name and birth date when there is no ID. Stable across files of one patient.
 */
export const patientIdentity = (ds: Dataset): string => {
  const cs = charsetOf(ds);
  const id = getString(ds, 0x00100020, cs)?.trim();
  if (id) return `id:${id}|${getString(ds, 0x00100021, cs)?.trim() ?? ''}`;
  return `name:${getString(ds, 0x00100010, cs)?.trim() ?? ''}|${getString(ds, 0x00100030)?.trim() ?? ''}`;
};
