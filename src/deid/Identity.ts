import type { Dataset } from '../dicom/Dataset.ts';
import { charsetOf, getString } from '../dicom/values.ts';
import { nameParts } from './handlers/PersonName.ts';
import type { ProfileOptions } from './options.ts';

/**
 * The identity strings of an input file: what a leak scan looks for after the profile has run
 * (PS3.15 §E.1.1 warns that identifying text hides in attributes no table lists). Names are
 * split into their components, dates written the ways people write them.
 */

const NAMES = [
  0x00100010, // Patient's Name
  0x00101001, // Other Patient Names
  0x00101005, // Patient's Birth Name
  0x00101060, // Patient's Mother's Birth Name
  0x00102297, // Responsible Person
  0x00080090, // Referring Physician's Name
  0x00081050, // Performing Physician's Name
  0x00081060, // Name of Physician(s) Reading Study
  0x00081070, // Operators' Name
  0x00321032, // Requesting Physician
];
const STRINGS = [
  0x00100020, // Patient ID
  0x00101000, // Other Patient IDs
  0x00100021, // Issuer of Patient ID
  0x00101040, // Patient's Address
  0x00102154, // Patient's Telephone Numbers
  0x00080080, // Institution Name
  0x00080081, // Institution Address
  0x00080050, // Accession Number
];

/** Strings too short or too common to search for without flagging half the header. */
const useful = (s: string): boolean => {
  const t = s.trim();
  // CJK names are often two characters; Latin ones need three to mean anything.
  if (/[^\x00-\x7f]/.test(t)) return t.length >= 2;
  return t.length >= 3 && !/^\d{1,3}$/.test(t) && !/^(MR|MRS|MS|DR|JR|SR|PHD|MD|THE|AND)\.?$/i.test(t);
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
  const institution = new Set(options?.retainInstitutionIdentity ? [0x00080080, 0x00080081] : []);
  const cs = charsetOf(ds);
  const out = new Set<string>();
  const add = (s: string | undefined) => {
    for (const v of (s ?? '').split('\\')) if (useful(v)) out.add(v.trim());
  };
  for (const t of NAMES) {
    for (const v of (getString(ds, t, cs) ?? '').split('\\')) for (const p of nameParts(v)) add(p);
  }
  for (const t of STRINGS) if (!institution.has(t)) add(getString(ds, t, cs));
  for (const item of ds.get(0x00101002)?.items ?? []) add(getString(item, 0x00100020, charsetOf(item, cs)));
  for (const f of dateForms(getString(ds, 0x00100030) ?? '')) out.add(f);
  // Address lines are searched whole and by comma-separated part ("12 Elm St, Springfield").
  for (const a of [getString(ds, 0x00101040, cs), institution.size ? '' : getString(ds, 0x00080081, cs)]) {
    for (const p of (a ?? '').split(/[,^\r\n]+/)) add(p);
  }
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
