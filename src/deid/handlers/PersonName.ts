import { type Key, keyedHash } from '../Key.ts';

/**
 * Person names (VR PN) and the patient's pseudonym. A pseudonym is derived from the key and the
 * patient's original identity, so the same patient gets the same pseudonym in every file and
 * run with that key (follow-up studies link up), and nobody without the key can link them.
 */

// Crockford base32: no I, L, O, U, so a pseudonym read aloud or typed is unambiguous.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short uppercase code from the keyed hash of a value. */
export const keyedCode = (key: Key, purpose: string, value: string, length = 8): string => {
  const h = keyedHash(key, purpose, value);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[h[i]! & 31];
  return s;
};

/** A patient's pseudonym as written into Patient's Name (PN) and Patient ID (LO). */
export interface Pseudonym {
  name: string;
  id: string;
}

/**
 * The derived pseudonym: "VEIL^7K3Q9X2A" as the name (family^given, so validators don't flag a
 * retired name form) and "VEIL-7K3Q9X2A" as the ID.
 */
export const patientPseudonym = (key: Key, patientIdentity: string): Pseudonym => {
  const code = keyedCode(key, 'patient', patientIdentity);
  return { name: `VEIL^${code}`, id: `VEIL-${code}` };
};

/** A pseudonym the user typed: used as it is for both, made valid for PN and LO. */
export const typedPseudonym = (typed: string): Pseudonym => {
  const clean = sanitizePseudonym(typed);
  return { name: clean, id: clean.replace(/\^/g, ' ').trim() };
};

/** A stand-in for any other person (physicians, operators, observers), consistent per original name. */
export const personPseudonym = (key: Key, name: string): string => `PERSON^${keyedCode(key, 'person', name, 6)}`;

/** Makes a user-typed pseudonym valid for PN and LO: no backslash or control characters, 64 at most. */
const sanitizePseudonym = (s: string): string =>
  s
    .replace(/[\\\x00-\x1f]/g, ' ')
    .trim()
    .slice(0, 64);

/** Name parts worth searching for: every component of every component group (PS3.5 §6.2.1). */
export const nameParts = (pn: string): string[] => {
  const parts = new Set<string>();
  for (const group of pn.split('=')) {
    const comps = group.split('^').map((c) => c.trim());
    for (const c of comps) if (c) parts.add(c);
    const family = comps[0] ?? '';
    const given = comps[1] ?? '';
    if (family && given) {
      parts.add(`${given} ${family}`);
      parts.add(`${family} ${given}`);
      parts.add(`${family}, ${given}`);
    }
    if (group.trim()) parts.add(group.trim());
  }
  return [...parts];
};
