import { bareBytes } from './encode.ts';
import type { Study } from './modules.ts';
import type { Patient } from './patients.ts';

/**
 * The corpus manifest: every identity string injected, what kind it is, whose it is, the byte
 * forms to look for in raw data, and every place it was found in the generated files.
 */

export type IdentityKind =
  | 'patient-name'
  | 'name-component'
  | 'other-name'
  | 'mother-name'
  | 'patient-id'
  | 'other-id'
  | 'issuer'
  | 'record-locator'
  | 'birth-date'
  | 'address'
  | 'phone'
  | 'institution'
  | 'department'
  | 'device'
  | 'staff-name'
  | 'accession'
  | 'study-id'
  | 'study-date';

/** Where an identity string occurs: a file and an element path, "file name" or "content". */
export interface Place {
  file: string;
  where: string;
}

export interface Identity {
  value: string;
  kind: IdentityKind;
  patient: string;
  /** Byte forms (hex) for raw scans, escape sequences left out: the patient's charset and UTF-8. */
  encodings: { charset: string; hex: string }[];
  places: Place[];
}

/** What the de-identifier is expected to do with a file (assertions in the PHI corpus test). */
export type Expectation = 'anonymized' | 'withheld' | 'skipped' | 'any';

export interface ManifestFile {
  /** Relative to the corpus root, "/"-separated. */
  path: string;
  kind: 'dicom' | 'dicomdir' | 'raw-dicom' | 'other';
  patient?: string;
  sopClassUid?: string;
  transferSyntaxUid?: string;
  specificCharacterSet?: string;
  expect: Expectation;
  /** Why the expectation, for a person reading a failure. */
  note: string;
}

export interface Manifest {
  format: 'veil-phi-corpus/1';
  seed: number;
  /** The CD tree, relative to the manifest's folder. */
  root: string;
  files: ManifestFile[];
  identities: Identity[];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const NON_ASCII = /[^\x00-\x7f]/;

/** Person name strings to list: the whole value, each group, and family/given/middle of each group. */
const nameParts = (pn: string): string[] => {
  const parts = [pn];
  for (const group of pn.split('=')) {
    if (group.includes('^') && pn.includes('=')) parts.push(group);
    parts.push(...group.split('^').slice(0, 3));
  }
  return parts.filter((s) => s !== '');
};

/** Lists every identity of the patients and their studies (places are filled in by the scan). */
export const identitiesOf = (patients: Patient[], studies: Map<string, Study[]>): Identity[] => {
  const out = new Map<string, Identity>();
  const add = (p: Patient, kind: IdentityKind, value: string) => {
    if (!value || out.has(value.toLowerCase())) return;
    const encodings = NON_ASCII.test(value)
      ? [
          { charset: p.charset || 'ISO_IR 6', hex: hex(bareBytes(value, p.charset)) },
          { charset: 'ISO_IR 192', hex: hex(new TextEncoder().encode(value)) },
        ]
      : [];
    out.set(value.toLowerCase(), { value, kind, patient: p.key, encodings, places: [] });
  };
  for (const p of patients) {
    const [name, ...components] = nameParts(p.name);
    add(p, 'patient-name', name!);
    add(p, 'patient-name', p.textName);
    for (const c of components) add(p, 'name-component', c);
    for (const c of nameParts(p.otherNames)) add(p, 'other-name', c);
    for (const c of nameParts(p.mothersBirthName)) add(p, 'mother-name', c);
    add(p, 'patient-id', p.id);
    for (const id of p.otherIds) add(p, 'other-id', id);
    add(p, 'issuer', p.issuer);
    add(p, 'record-locator', p.medicalRecordLocator);
    for (const d of p.birthDateForms) add(p, 'birth-date', d);
    add(p, 'address', p.address);
    add(p, 'phone', p.phone);
    add(p, 'institution', p.site.institution);
    add(p, 'institution', p.site.address);
    add(p, 'department', p.site.department);
    add(p, 'device', p.site.station);
    add(p, 'device', p.site.serial);
    for (const s of Object.values(p.staff)) for (const c of nameParts(s)) add(p, 'staff-name', c);
    for (const s of studies.get(p.key) ?? []) {
      add(p, 'accession', s.accession);
      add(p, 'study-id', s.studyId);
      add(p, 'study-date', s.date);
    }
  }
  return [...out.values()];
};
