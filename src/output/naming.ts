import { compareStrings, groupInstances } from '../study/group.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Output file names. They are built only from indexes and Instance Numbers of the de-identified
 * outputs, never from input file or folder names: a CD's folders are often named after the
 * patient. The layout is a DICOM File-set's (PS3.10 §8.2, PS3.12 Annex F): every component at
 * most 8 characters of A–Z, 0–9 and _, at most 8 levels, so a DICOMDIR can reference each file:
 *
 *     DICOM/P0001/S0001/SE0001/IM000001
 *
 * P, S and SE indexes count from 1 in sorted order of the (pseudonymised) Patient ID, Study
 * Instance UID and Series Instance UID (see group.ts), so rerunning on the same input with the
 * same key gives the same names. IM is the Instance Number where it is usable.
 */

/** The folder under the output root that holds the instances. */
export const OUTPUT_FOLDER = 'DICOM';

/** The name of the directory file at the output root (PS3.10 §8.6). */
export const DICOMDIR_NAME = 'DICOMDIR';

/** Largest number an IM component can hold (IM + 6 digits = 8 characters). */
const MAX_IM = 999_999;

/** A PS3.10 §8.2 file ID component: 1–8 characters of A–Z, 0–9 and underscore. */
export const isFileIdComponent = (c: string): boolean => /^[A-Z0-9_]{1,8}$/.test(c);

/** The result of naming: file ID components per item, or why naming was impossible. */
export type Naming<T> = { ok: true; fileIds: Map<T, string[]> } | { ok: false; error: string };

/**
 * Assigns a file ID to every item. Items must have distinct SOP Instance UIDs (remove duplicate
 * copies first); ties are still broken deterministically by the items' order in `items`.
 * `avoid` lists identity strings (names, IDs) that no component may contain (see pathLeaks): an
 * index whose name would contain one is skipped, so a Patient ID "0001" cannot surface as
 * "P0001".
 */
export const assignFileIds = <T>(
  items: readonly T[],
  infoOf: (item: T) => InstanceInfo,
  avoid: readonly string[] = [],
): Naming<T> => {
  const needles = identityNeedles(avoid);
  const clean = (c: string): boolean => !needles.some((n) => c.toLowerCase().includes(n));
  const fileIds = new Map<T, string[]>();
  // Equal keys keep the caller's order.
  const order = new Map(items.map((it, i) => [it, i]));
  try {
    for (const [pi, patient] of numbered(groupInstances(items, infoOf), 'P', 7, clean)) {
      for (const [si, study] of numbered(patient.studies, 'S', 7, clean)) {
        for (const [sei, series] of numbered(study.series, 'SE', 6, clean)) {
          const sorted = [...series.instances].sort(
            (a, b) =>
              (infoOf(a).instanceNumber ?? Number.POSITIVE_INFINITY) -
                (infoOf(b).instanceNumber ?? Number.POSITIVE_INFINITY) ||
              compareStrings(infoOf(a).sopInstanceUID, infoOf(b).sopInstanceUID) ||
              order.get(a)! - order.get(b)!,
          );
          const names = instanceNames(
            sorted.map((it) => infoOf(it).instanceNumber),
            clean,
          );
          if (!names) return { ok: false, error: `${pi}/${si}/${sei}: more than ${MAX_IM} instances in one series` };
          sorted.forEach((it, i) => {
            fileIds.set(it, [OUTPUT_FOLDER, pi, si, sei, names[i]!]);
          });
        }
      }
    }
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
  return { ok: true, fileIds };
};

/** Pairs each group with its component name: prefix + zero-padded index, skipping unclean ones. */
function* numbered<G>(
  groups: readonly G[],
  prefix: string,
  maxDigits: number,
  clean: (c: string) => boolean,
): Generator<[string, G]> {
  let n = 0;
  for (const g of groups) {
    let name: string;
    do {
      n++;
      name = prefix + String(n).padStart(4, '0');
    } while (!clean(name) && name.length <= prefix.length + maxDigits);
    // Only reachable with millions of patients/studies/series; caught by assignFileIds.
    if (name.length > prefix.length + maxDigits) throw new RangeError(`too many ${prefix} folders for a file ID`);
    yield [name, g];
  }
}

/**
 * IM names for a series' instances in order: IM + the Instance Number (6 digits) when it is in
 * range, not taken by an earlier instance and clean; the rest get the smallest free numbers.
 */
const instanceNames = (numbers: (number | undefined)[], clean: (c: string) => boolean): string[] | undefined => {
  const name = (n: number) => `IM${String(n).padStart(6, '0')}`;
  const taken = new Set<number>();
  const out: (string | undefined)[] = numbers.map((n) => {
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_IM || taken.has(n) || !clean(name(n))) {
      return undefined;
    }
    taken.add(n);
    return name(n);
  });
  let next = 1;
  for (let i = 0; i < out.length; i++) {
    if (out[i]) continue;
    while (next <= MAX_IM && (taken.has(next) || !clean(name(next)))) next++;
    if (next > MAX_IM) return undefined;
    taken.add(next);
    out[i] = name(next);
  }
  return out as string[];
};

/** A file ID as a relative path with forward slashes. */
export const fileIdPath = (fileId: readonly string[]): string => fileId.join('/');

/**
 * The identity string found in an output path, or undefined if there is none. Case-insensitive;
 * strings shorter than 3 characters are ignored (they match too much by chance). Person names
 * are also checked component by component (PS3.5 §6.2 PN: family^given^middle…), because a
 * folder is more likely called MUELLER_JOERG than MUELLER^JOERG.
 */
export const pathLeaks = (path: string, identityStrings: readonly string[]): string | undefined => {
  const p = path.toLowerCase();
  for (const s of identityStrings) {
    for (const n of needlesOf(s)) if (p.includes(n)) return s;
  }
  return undefined;
};

const needlesOf = (s: string): string[] => {
  const whole = s.trim().toLowerCase();
  const parts = whole.split(/[\^=\\]+/).map((x) => x.trim());
  return [...new Set([whole, ...parts])].filter((x) => x.length >= 3);
};

const identityNeedles = (strings: readonly string[]): string[] => [...new Set(strings.flatMap(needlesOf))];
