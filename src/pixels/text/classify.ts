/**
 * What a piece of text read from pixels is: identifying (an identity string of the input, a date,
 * a time, an ID-like token) or clearly safe and clinically useful (orientation letters, scale
 * marks, units, probe and depth figures). Everything else is neither and is blacked out too; the
 * allow-list only ever keeps text that is safe *and* carries no risk, so a risk always wins.
 *
 * OCR misreads: "MÜLLER" comes back "MULLER", "JÖRG" as "JORG", an O as a 0. Identity strings are
 * therefore matched with and without diacritics, and single words also within a small edit distance.
 */

import { IdentityMatcher } from '../../deid/handlers/Text.ts';

/** Why text is identifying. */
export type RiskKind = 'identity' | 'date' | 'time' | 'id';

/** One identifying match in a text. */
export interface Risk {
  kind: RiskKind;
  /** What was read (for the report: it is PHI, so only shown to the user on their own device). */
  match: string;
}

/** "MÜLLER" → "MULLER", "Straße" → "STRASSE": how OCR trained on English reads European names. */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'AE')
    .replace(/[øØ]/g, 'O')
    .replace(/[łŁ]/g, 'L')
    .toUpperCase();

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** Dates the ways devices print them (separators as OCR may read them: - . / , or a space). */
const DATE = new RegExp(
  [
    '(?<!\\d)\\d{4}\\s?[-./]\\s?\\d{1,2}\\s?[-./]\\s?\\d{1,2}(?!\\d)', // 2024-03-01, 2024.3.1
    '(?<!\\d)\\d{1,2}\\s?[-./]\\s?\\d{1,2}\\s?[-./]\\s?\\d{2,4}(?!\\d)', // 01/03/2024, 01.03.24
    '(?<!\\d)(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?!\\d)', // 20240301
    `(?<!\\d)\\d{1,2}(?:st|nd|rd|th)?[ \\-./]?${MONTH}[ ,\\-./]*\\d{2,4}(?!\\d)`, // 1 Mar 2024, 01-MAR-24
    `\\b${MONTH}[ \\-./]?\\d{1,2}(?:st|nd|rd|th)?,?[ \\-./]?\\d{2,4}(?!\\d)`, // Mar 1, 2024
    `\\b${MONTH}[ \\-./]?(?:19|20)\\d{2}(?!\\d)`, // Mar 2024
    '(?<!\\d)(?:0?[1-9]|1[0-2])[-./](?:19|20)\\d{2}(?!\\d)', // 03/2024
    '\\d{4}\\s*年\\s*\\d{1,2}\\s*月(?:\\s*\\d{1,2}\\s*日)?', // 2024年3月1日
  ].join('|'),
  'giu',
);
/** Times: 12:34, 12:34:56, 9.41 AM, 12h34. */
const TIME = /(?<!\d)\d{1,2}\s?[:h]\s?\d{2}(?:\s?[:.]\s?\d{2})?(?!\d)|(?<!\d)\d{1,2}[:.]\d{2}\s?(?:am|pm)\b/giu;

/** A number with a unit a device prints: depth, frequency, gain, frame rate, dose, angle. */
const UNIT = '(?:cm|mm|m|mhz|khz|hz|db|%|fps|bpm|s|ms|cm/s|m/s|mm/s|mmhg|°|deg|kv|kvp|ma|mas|mgy|x|mi|ti|tis|tib)';
const SAFE = [
  /^(?:L|R|A|P|S|I|H|F|AP|PA|LAO|RAO|LPO|RPO|LAT|LL|RL)$/, // orientation letters (upper case only)
  new RegExp(`^[-+]?\\d{1,3}(?:[.,]\\d{1,2})?\\s?${UNIT}$`, 'i'), // 5.0cm, 12MHz, 60dB, 30fps
  new RegExp(`^${UNIT}$`, 'i'), // a unit alone
  /^[-+]?\d{1,3}(?:[.,]\d)?$/, // scale marks: 0, 5, 10, 15, -20, 2.5
  /^[A-Z]{1,2}\d{1,2}(?:-\d{1,2})?[A-Z]?$/, // probe names: C5-1, L12-5, S5-1
];

/** Strips what OCR puts around a word: quotes, brackets, trailing colons and commas. */
const trimmed = (s: string): string => s.replace(/^[^\p{L}\p{N}+-]+|[^\p{L}\p{N}%°/]+$/gu, '');

/** Whether a single word is on the allow-list (safe and useful). */
export const isAllowed = (word: string): boolean => {
  const t = trimmed(word);
  return t.length > 0 && SAFE.some((re) => re.test(t));
};

/** An ID-like token: five or more digits, or letters mixed with three or more digits (length ≥ 5). */
export const isIdLike = (word: string): boolean => {
  const t = trimmed(word);
  const alnum = t.replace(/[^\p{L}\p{N}]/gu, '');
  const digits = (alnum.match(/\d/g) ?? []).length;
  if (digits >= 5) return true;
  const letters = alnum.length - digits;
  return alnum.length >= 5 && digits >= 3 && letters >= 1 && !SAFE.some((re) => re.test(t));
};

/** Levenshtein distance, bounded: anything past `max` is reported as max + 1. */
const distance = (a: string, b: string, max: number): number => {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
};

/** Identity strings as OCR would see them, and the matching around them. */
export class PixelIdentity {
  private readonly matcher: IdentityMatcher;
  /** Single-word identity strings, folded, for the edit-distance match. */
  private readonly words: string[];

  constructor(readonly strings: readonly string[]) {
    const all = new Set<string>();
    for (const s of strings) {
      all.add(s);
      all.add(fold(s));
      // Name components are joined with ^ in the header; on screen they are spaces or commas.
      if (s.includes('^')) all.add(fold(s.replace(/\^+/g, ' ').trim()));
    }
    this.matcher = new IdentityMatcher([...all].filter((s) => s.trim().length > 0));
    this.words = [...all].map(fold).filter((s) => /^[\p{L}\p{N}'-]{4,}$/u.test(s));
  }

  /** The identity strings in a text (exact, case- and diacritic-insensitive, or one OCR slip away). */
  find(text: string): string[] {
    const hits = new Set([...this.matcher.find(text), ...this.matcher.find(fold(text))]);
    for (const raw of text.split(/[\s^~*,;:]+/)) {
      const w = fold(trimmed(raw));
      if (w.length < 4) continue;
      // One slip in 4–7 characters, two from 8: "MULLFR", "1234S67".
      const max = w.length >= 8 ? 2 : 1;
      if (this.words.some((s) => distance(w, s, max) <= max)) hits.add(raw);
    }
    return [...hits];
  }
}

/** Every identifying match in a text (a word or a whole line). */
export const risksIn = (text: string, identity: PixelIdentity | undefined): Risk[] => {
  const out: Risk[] = [];
  for (const m of identity?.find(text) ?? []) out.push({ kind: 'identity', match: m });
  for (const m of text.matchAll(DATE)) out.push({ kind: 'date', match: m[0] });
  for (const m of text.matchAll(TIME)) out.push({ kind: 'time', match: m[0] });
  for (const w of text.split(/\s+/)) if (w && isIdLike(w)) out.push({ kind: 'id', match: w });
  return out;
};

/** Words of "what a risk is" for reasons. */
export const riskWords: Record<RiskKind, string> = {
  identity: 'an identity string of this patient',
  date: 'a date',
  time: 'a time',
  id: 'an ID-like number',
};
