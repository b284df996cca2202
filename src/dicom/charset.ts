import { convertBytes } from 'dicom-character-set';
import { CHARSET_DEPENDENT, type VR } from './VR.ts';

/**
 * Text decoding per Specific Character Set (0008,0005), PS3.5 §6.1 and Annex H/I/J.
 * `dicom-character-set` does the ISO 2022 escape handling (Japanese, Korean, Chinese);
 * it is maintained for exactly this and its output matches the standard's examples.
 *
 * Decoding never hides a byte: text the declared set cannot decode (a wrong declaration, a
 * corrupt value) comes back decoded as Latin-1, where every byte is some character, so a name
 * in it can still be found by the de-identifier and the leak scan.
 */
export const decodeText = (bytes: Uint8Array, vr: VR, specificCharacterSet: string): string => {
  if (!CHARSET_DEPENDENT.has(vr) || !specificCharacterSet || isAscii(bytes)) return ascii(bytes);
  const terms = normalizeCharset(specificCharacterSet);
  let text = convert(terms, bytes, vr);
  // An escape to a set the value uses but the data set did not declare (often ESC ( B, ASCII,
  // under ISO 2022 IR 13): pydicom and dcmtk decode it anyway, and so must we, or a Japanese
  // name would escape the de-identifier.
  if (text === undefined && isIso2022(terms)) text = convert(lenient(terms), bytes, vr);
  if (text !== undefined && !text.includes('\uFFFD')) return text;
  return new TextDecoder('windows-1252').decode(bytes);
};

const convert = (terms: string, bytes: Uint8Array, vr: VR): string | undefined => {
  try {
    return convertBytes(terms, bytes, { vr });
  } catch {
    return undefined;
  }
};

/** Bytes that mean the same in every DICOM character set: ISO 646 without ESC (PS3.5 §6.1.2.5.1). */
const isAscii = (b: Uint8Array): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7e || b[i] === 0x1b) return false;
  return true;
};

const LATIN1 = new TextDecoder('latin1');
// Native decoding; for bytes below 0x80 Latin-1 and ASCII are the same characters.
// Short values (most of a header) by hand: a spread would walk an iterator, one object per value.
const ascii = (b: Uint8Array): string => {
  if (b.length >= 16) return LATIN1.decode(b);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** A file declares one or two values, and every element decoded asks again: remember them. */
const normalized = new Map<string, string>();

/**
 * The defined terms as PS3.3 C.12.1.1.2 spells them. Writers get them slightly wrong often
 * enough ("ISO_IR100", "iso-ir 100", "ISO 2022 IR87") that a name would otherwise come out as
 * Latin-1 guesswork; anything unrecognisable is left as it is.
 */
export const normalizeCharset = (specificCharacterSet: string): string => {
  let n = normalized.get(specificCharacterSet);
  if (n === undefined) {
    n = normalize(specificCharacterSet);
    if (normalized.size < 256) normalized.set(specificCharacterSet, n);
  }
  return n;
};

const normalize = (specificCharacterSet: string): string =>
  specificCharacterSet
    .split('\\')
    .map((term) => {
      const t = term.trim().toUpperCase();
      const iso2022 = /^ISO[\s_-]*2022[\s_-]*IR[\s_-]*(\d+)$/.exec(t);
      if (iso2022) return `ISO 2022 IR ${Number(iso2022[1])}`;
      const iso = /^ISO[\s_-]*IR[\s_-]*(\d+)$/.exec(t);
      if (iso) return `ISO_IR ${Number(iso[1])}`;
      return t;
    })
    .join('\\');

const isIso2022 = (terms: string): boolean => terms.includes('\\') || terms.startsWith('ISO 2022');

/** Every ISO 2022 set `dicom-character-set` knows, so an undeclared escape can still be decoded. */
const ISO_2022_SETS = [6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 13, 166, 87, 159, 149, 58].map(
  (n) => `ISO 2022 IR ${n}`,
);

/** The declared sets first (they choose the initial G0 and G1), then every other ISO 2022 set. */
const lenient = (terms: string): string => {
  const declared = terms.split('\\');
  const first = declared[0] || 'ISO 2022 IR 6';
  const rest = [...declared.slice(1), ...ISO_2022_SETS].filter((t, i, all) => t && t !== first && all.indexOf(t) === i);
  return [first, ...rest].join('\\');
};

/** Single-byte character sets without code extensions and the WHATWG decoder for each. */
const SINGLE_BYTE: Record<string, string> = {
  'ISO_IR 100': 'windows-1252', // ISO 8859-1 for 0xA0-0xFF, which is all we map
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'windows-1254', // ISO 8859-9 for 0xA0-0xFF
  'ISO_IR 166': 'tis-620',
  'ISO_IR 13': 'shift-jis', // JIS X 0201: half-width katakana at 0xA1-0xDF
};

const tables = new Map<string, Map<string, number>>();

/** Character → byte for the G1 half (0xA0-0xFF) of a single-byte set; C1 (0x80-0x9F) is never used. */
const tableFor = (encoding: string): Map<string, number> => {
  let t = tables.get(encoding);
  if (t) return t;
  t = new Map();
  const decoder = new TextDecoder(encoding, { fatal: true });
  for (let b = 0xa0; b <= 0xff; b++) {
    try {
      const c = decoder.decode(new Uint8Array([b]));
      if (c.length === 1 && !t.has(c)) t.set(c, b);
    } catch {
      // unassigned in this set
    }
  }
  tables.set(encoding, t);
  return t;
};

/**
 * Characters Veil never writes into a value: C0 controls other than TAB, LF, FF and CR (ESC
 * would switch ISO 2022 sets and change what follows), DEL, C1 controls and lone surrogates.
 */
const UNWRITABLE =
  /[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes text Veil writes (pseudonyms, dummies, cleaned text) in the data set's character set.
 * Returns undefined when the text can't be represented exactly, so the caller can choose a safe
 * ASCII value: the bytes returned always decode to `text` again under `specificCharacterSet`.
 * ASCII is valid in every character set DICOM allows (all keep ISO 646 in G0), except that
 * JIS X 0201 (ISO_IR 13) has OVERLINE at 0x7E. ISO 2022 sets get ASCII only: Veil does not emit
 * escape sequences.
 */
export const encodeText = (text: string, specificCharacterSet: string): Uint8Array | undefined => {
  if (UNWRITABLE.test(text)) return undefined;
  const terms = normalizeCharset(specificCharacterSet).split('\\');
  const first = terms[0] ?? '';
  if (/^[\x20-\x7e\t\n\f\r]*$/.test(text)) {
    if ((first === 'ISO_IR 13' || first === 'ISO 2022 IR 13') && text.includes('~')) return undefined;
    return asciiBytes(text);
  }
  let bytes: Uint8Array | undefined;
  if (first === 'ISO_IR 192') bytes = new TextEncoder().encode(text);
  else if (terms.length === 1 && SINGLE_BYTE[first]) {
    const table = tableFor(SINGLE_BYTE[first]);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const b = c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : table.get(c);
      if (b === undefined) return undefined;
      bytes[i] = b;
    }
  }
  // The final word: what a reader of this character set would see.
  return bytes && decodeText(bytes, 'LT', specificCharacterSet) === text ? bytes : undefined;
};

/**
 * `encodeText`, or when that is impossible the text in ASCII with every character that cannot be
 * written safely replaced by '?'. Always decodes to what it says.
 */
export const encodeTextOrAscii = (text: string, specificCharacterSet: string): Uint8Array => {
  const exact = encodeText(text, specificCharacterSet);
  if (exact) return exact;
  const jis = /^ISO(_IR| 2022 IR) 13$/.test(normalizeCharset(specificCharacterSet).split('\\')[0] ?? '');
  return asciiBytes(text.replace(jis ? /[^\x20-\x7d\t\n\f\r]/gu : /[^\x20-\x7e\t\n\f\r]/gu, '?'));
};

/** ASCII bytes of a string whose characters are all below 0x80. */
export const asciiBytes = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0x7f;
  return b;
};
