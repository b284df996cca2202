import type { Dataset, Element } from '../dicom/Dataset.ts';
import { formatTag } from '../dicom/tag.ts';
import { charsetOf, stringElement, stringOf } from '../dicom/values.ts';
import { CLEANED, type IdentityMatcher } from './handlers/Text.ts';

/**
 * The leak scan behind the table: after the profile has run, look for the input's identity
 * strings in every remaining value, at every depth. Text is cleaned in place; what can't be
 * cleaned (binary values, coded strings) is reported so the file can be withheld.
 */

/** Where an identity string was found. */
export interface Leak {
  where: string;
  found: string;
}

/** String VRs that carry words (DA, TM, DS, IS, UI and AS are checked by their own rules). */
const TEXTUAL = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);
const CLEANABLE = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
/**
 * Coded-entry attributes hold values from controlled terminologies ("DCM", "113100", "TEST"):
 * a name part that happens to equal a code is not a leak, and blanking it breaks the code.
 */
const CODED = new Set([0x00080100, 0x00080102, 0x00080103, 0x00080105, 0x0008010f, 0x00080119, 0x00080120]);
/** Code strings (CS) are defined terms; only long identity strings (IDs, full names) count there. */
const MIN_CODE_STRING_MATCH = 6;
/** Binary values (kept private OB/UN blobs) are searched as Latin-1 for strings this long or more. */
const MIN_BINARY_MATCH = 5;
const LATIN1 = new TextDecoder('latin1');
const UTF8 = new TextDecoder('utf-8');

/** Where an element sits: the tags and item numbers leading to it. Made into words only when needed. */
export type Path = readonly (number | string)[];

/** "(0040,A730)[1] > (0040,A160)": a path in the words of a report. */
export const describePath = (path: Path): string =>
  path.map((p, i) => (typeof p === 'string' ? p : `${i ? ' > ' : ''}${formatTag(p)}`)).join('');

/**
 * Walks a data set and calls `visit` for every element with the character set in force there
 * (items may declare their own, PS3.5 §6.1.2.5.3) and its path. The path is one array the walk
 * pushes to and pops from (no copy per element: the walk runs three times per file): it is valid
 * during the call only, so a visitor that keeps it must copy it (`describePath` makes its words).
 */
export const visitElements = (
  ds: Dataset,
  visit: (e: Element, owner: Dataset, charset: string, path: Path) => void,
  charset = '',
  path: (number | string)[] = [],
): void => {
  const cs = charsetOf(ds, charset);
  for (const e of ds.elements()) {
    path.push(e.tag);
    visit(e, ds, cs, path);
    const items = e.items;
    if (items)
      for (let i = 0; i < items.length; i++) {
        path.push(`[${i + 1}]`);
        visitElements(items[i]!, visit, cs, path);
        path.pop();
      }
    path.pop();
  }
};

/** Finds identity strings in a data set; with `fix`, cleans text values in place and reports only the rest. */
export const scanForLeaks = (ds: Dataset, matcher: IdentityMatcher, fix: boolean): Leak[] => {
  const leaks: Leak[] = [];
  visitElements(ds, (e, owner, cs, path) => {
    if (!e.value || e.value.length === 0) return;
    if (TEXTUAL.has(e.vr)) {
      if (CODED.has(e.tag)) return;
      const text = stringOf(e, cs) ?? '';
      const found = matcher.find(text).filter((s) => e.vr !== 'CS' || s.length >= MIN_CODE_STRING_MATCH);
      if (!found.length) return;
      if (fix && CLEANABLE.has(e.vr)) {
        owner.set(stringElement(e.tag, matcher.clean(text), e.vr, cs));
        return;
      }
      if (fix) {
        // A code string or AE title holding an identity string: a plain dummy, valid for the VR.
        owner.set(stringElement(e.tag, CLEANED, e.vr));
        return;
      }
      leaks.push({ where: describePath(path), found: found[0]! });
      return;
    }
    if (e.vr === 'OB' || e.vr === 'UN' || e.vr === 'OW') {
      if (e.tag === 0x7fe00010 || e.tag >>> 16 === 0x7fe0) return; // pixels: not text
      // Private blobs hold text in whatever encoding their vendor chose: try Latin-1 and UTF-8.
      const text = `${LATIN1.decode(e.value)}\n${UTF8.decode(e.value)}`;
      const found = matcher.find(text).filter((s) => s.length >= MIN_BINARY_MATCH);
      if (found.length) leaks.push({ where: describePath(path), found: found[0]! });
    }
  });
  return leaks;
};
