/**
 * Free text (LO, SH, ST, LT, UT, UC and PN read as text). Cleaning (action C, §E.3.5 Clean
 * Descriptors) keeps what the text says about the image and removes what identifies: every
 * identity string found in the input, and anything that looks like a date or a phone number.
 */

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE_LIKE = new RegExp(
  [
    '\\b\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}\\b', // 1961-04-12
    '\\b\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4}\\b', // 12.04.1961, 04/12/61
    '\\b(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\b', // 19610412
    `\\b\\d{1,2}(?:st|nd|rd|th)?[ -]${MONTH}[ ,-]*\\d{2,4}\\b`, // 12 Apr 1961, 12-APR-1961
    `\\b${MONTH} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, // April 12, 1961
    '\\d{4}\\s*年\\s*\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日', // 1961年4月12日
    '\\d{4}\\s*년\\s*\\d{1,2}\\s*월\\s*\\d{1,2}\\s*일', // 1961년 4월 12일
  ].join('|'),
  'giu',
);
const PHONE_LIKE = /\+?\d[\d ()/-]{7,}\d/g;

/** What a text that was nothing but identifying becomes. Valid in every string VR, CS included. */
export const CLEANED = 'REMOVED';

/** Escapes a string for use inside a RegExp. */
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches a string as a whole word: "PRE" (a name part) must not hit "PREDECESSOR". Scripts
 * written without spaces (Chinese, Japanese) have no word boundaries, so those match anywhere.
 */
const asWord = (s: string): string =>
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(s)
    ? escapeRegExp(s)
    : `(?<![\\p{L}\\p{N}])${escapeRegExp(s)}(?![\\p{L}\\p{N}])`;

/** A matcher for a set of identity strings, longest first so "MÜLLER^JÖRG" goes before "JÖRG". */
/** Two UTF-16 code units as one number: a key that costs no string. */
const pairAt = (s: string, i: number): number => s.charCodeAt(i) * 0x10000 + s.charCodeAt(i + 1);

export class IdentityMatcher {
  private readonly re: RegExp | undefined;
  /** The lower-case strings by their first two characters (the prefilter's index). */
  private readonly byPair = new Map<number, string[]>();
  /** Lower-case strings of one character, tested one by one. */
  private readonly single: string[] = [];

  constructor(readonly strings: readonly string[]) {
    const sorted = [...new Set(strings)].sort((a, b) => b.length - a.length);
    this.re = sorted.length ? new RegExp(sorted.map(asWord).join('|'), 'giu') : undefined;
    for (const s of new Set(sorted.map((x) => x.toLowerCase()))) {
      if (s.length < 2) {
        this.single.push(s);
        continue;
      }
      const pair = pairAt(s, 0);
      const list = this.byPair.get(pair) ?? [];
      list.push(s);
      this.byPair.set(pair, list);
    }
  }

  /** The identity strings that occur in a text (case-insensitive). */
  find(text: string): string[] {
    if (!this.re || !text) return [];
    if (!this.mayContain(text)) return [];
    return [...text.matchAll(this.re)].map((m) => m[0]);
  }

  /**
   * A plain substring test: most values hold no identity string, and this is cheap. One pass over
   * the text, looking up each pair of characters, instead of one search per identity string: a
   * batch brings dozens of them, and every text value of every file is tested, twice.
   */
  private mayContain(text: string): boolean {
    const lower = text.toLowerCase();
    for (const s of this.single) if (lower.includes(s)) return true;
    for (let i = 0; i + 1 < lower.length; i++) {
      const list = this.byPair.get(pairAt(lower, i));
      if (list) for (const s of list) if (lower.startsWith(s, i)) return true;
    }
    return false;
  }

  /**
   * Removes every identity string, date-like and phone-like run from a text. Text that held
   * nothing else becomes a plain dummy rather than empty: the attribute may be Type 1.
   */
  clean(text: string): string {
    let out = this.re && this.mayContain(text) ? text.replace(this.re, '') : text;
    // Every date and phone pattern has a digit: most descriptors have none and skip both.
    if (/\d/.test(out)) out = out.replace(DATE_LIKE, '').replace(PHONE_LIKE, '');
    out = out
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/\^{2,}/g, '^')
      .trim();
    return out || !text.trim() ? out : CLEANED;
  }
}
