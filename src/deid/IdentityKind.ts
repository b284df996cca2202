import type { ProfileOptions } from './options.ts';

// No imports beyond types: the page's findings summary uses this list too, and must not pull
// the engine into the main bundle.

/** Kinds of identifying detail, as the findings summary names them. */
export type IdentityKind =
  | 'name'
  | 'id'
  | 'birthDate'
  | 'address'
  | 'phone'
  | 'institution'
  | 'institutionAddress'
  | 'staff'
  | 'accession';

/**
 * The attributes whose values identify, by kind: the one list both the leak scan and the app's
 * findings summary use, so what the page counts is what the engine searches for.
 */
export const IDENTITY_ATTRIBUTES: ReadonlyMap<number, IdentityKind> = new Map<number, IdentityKind>([
  [0x00100010, 'name'], // Patient's Name
  [0x00101001, 'name'], // Other Patient Names
  [0x00101005, 'name'], // Patient's Birth Name
  [0x00101060, 'name'], // Patient's Mother's Birth Name
  [0x00102297, 'name'], // Responsible Person
  [0x00100020, 'id'], // Patient ID
  [0x00101000, 'id'], // Other Patient IDs
  [0x00100021, 'id'], // Issuer of Patient ID
  [0x00100030, 'birthDate'], // Patient's Birth Date
  [0x00101040, 'address'], // Patient's Address
  [0x00102154, 'phone'], // Patient's Telephone Numbers
  [0x00080080, 'institution'], // Institution Name
  [0x00080081, 'institutionAddress'], // Institution Address
  [0x00080090, 'staff'], // Referring Physician's Name
  [0x00081050, 'staff'], // Performing Physician's Name
  [0x00081060, 'staff'], // Name of Physician(s) Reading Study
  [0x00081070, 'staff'], // Operators' Name
  [0x00321032, 'staff'], // Requesting Physician
  [0x00080050, 'accession'], // Accession Number
]);

/** The kinds an option keeps on purpose, and so not searched for. */
export const retainedKinds = (options?: ProfileOptions): ReadonlySet<IdentityKind> =>
  new Set<IdentityKind>(options?.retainInstitutionIdentity ? ['institution', 'institutionAddress'] : []);
