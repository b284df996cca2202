/**
 * Free text (LO, SH, ST, LT, UT, UC and PN read as text). Cleaning (action C, §E.3.5 Clean
 * Descriptors) keeps what the text says about the image and removes what identifies: every
 * identity string found in the input, and anything that looks like a date or a phone number.
 */

const DATE_LIKE =
  /\b(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\b/g;
const PHONE_LIKE = /\+?\d[\d ()/-]{7,}\d/g;

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
export class IdentityMatcher {
  private readonly re: RegExp | undefined;

  constructor(readonly strings: readonly string[]) {
    const sorted = [...new Set(strings)].sort((a, b) => b.length - a.length);
    this.re = sorted.length ? new RegExp(sorted.map(asWord).join('|'), 'giu') : undefined;
  }

  /** The identity strings that occur in a text (case-insensitive). */
  find(text: string): string[] {
    if (!this.re || !text) return [];
    return [...text.matchAll(this.re)].map((m) => m[0]);
  }

  /** Removes every identity string, date-like and phone-like run from a text. */
  clean(text: string): string {
    let out = this.re ? text.replace(this.re, '') : text;
    out = out.replace(DATE_LIKE, '').replace(PHONE_LIKE, '');
    return out
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/\^{2,}/g, '^')
      .trim();
  }
}
