import type { VR } from '../../src/dicom/VR.ts';

/**
 * Encodes text in a Specific Character Set (0008,0005) the way a modality would, including the
 * ISO 2022 code extensions of PS3.5 §6.1.2.5 and Annexes H (Japanese), I (Korean) and K (Chinese)
 * and the GB18030 of Annex J. The repo's own `encodeText` only writes ASCII, Latin-1 and UTF-8
 * (all the de-identifier needs); the corpus needs the others to prove names in them are found.
 *
 * The double-byte tables are not hand-listed: they are derived once from the platform's WHATWG
 * decoders (EUC-JP holds JIS X 0208, EUC-KR holds KS X 1001, GBK holds GB 2312 and GB18030's
 * two-byte part), so the bytes are exactly what an independent decoder reads back.
 */

const ESC = 0x1b;

/** One ISO 2022 code element: how it is designated and how a character maps to bytes. */
interface CodeElement {
  term: string;
  /** The escape sequence (after ESC) that designates it. */
  escape: number[];
  /** G0 (7-bit bytes, replaces ASCII until switched back) or G1 (bytes with the high bit set). */
  g: 0 | 1;
  bytes: (c: string) => number[] | undefined;
}

const tables = new Map<string, Map<string, number[]>>();

/** Builds char → byte pair for a double-byte WHATWG encoding over the given lead/trail ranges. */
const doubleByteTable = (label: string, lead: [number, number], trail: [number, number]): Map<string, number[]> => {
  const cached = tables.get(label);
  if (cached) return cached;
  const dec = new TextDecoder(label, { fatal: true });
  const map = new Map<string, number[]>();
  for (let a = lead[0]; a <= lead[1]; a++) {
    for (let b = trail[0]; b <= trail[1]; b++) {
      if (b === 0x7f) continue;
      try {
        const s = dec.decode(Uint8Array.of(a, b));
        if (s.length === 1 && !map.has(s)) map.set(s, [a, b]);
      } catch {
        // unassigned code point
      }
    }
  }
  tables.set(label, map);
  return map;
};

const jisX0208 = () => doubleByteTable('euc-jp', [0xa1, 0xfe], [0xa1, 0xfe]);
const ksX1001 = () => doubleByteTable('euc-kr', [0xa1, 0xfe], [0xa1, 0xfe]);
const gb2312 = () => doubleByteTable('gbk', [0xa1, 0xf7], [0xa1, 0xfe]);
const gbk = () => doubleByteTable('gb18030', [0x81, 0xfe], [0x40, 0xfe]);

/** The ISO 2022 code elements of PS3.5 Table 6.1-2 that the corpus uses (multi-byte, with code extensions). */
const CODE_ELEMENTS: Record<string, CodeElement> = {
  'ISO 2022 IR 6': { term: 'ISO 2022 IR 6', escape: [0x28, 0x42], g: 0, bytes: (c) => ascii(c) },
  // JIS X 0208 in G0: ESC $ B, bytes 0x21-0x7E (PS3.5 Annex H).
  'ISO 2022 IR 87': {
    term: 'ISO 2022 IR 87',
    escape: [0x24, 0x42],
    g: 0,
    bytes: (c) =>
      jisX0208()
        .get(c)
        ?.map((b) => b & 0x7f),
  },
  // KS X 1001 in G1: ESC $ ) C, bytes 0xA1-0xFE (PS3.5 Annex I).
  'ISO 2022 IR 149': { term: 'ISO 2022 IR 149', escape: [0x24, 0x29, 0x43], g: 1, bytes: (c) => ksX1001().get(c) },
  // GB 2312 in G1: ESC $ ) A, bytes 0xA1-0xFE (PS3.5 Annex K).
  'ISO 2022 IR 58': { term: 'ISO 2022 IR 58', escape: [0x24, 0x29, 0x41], g: 1, bytes: (c) => gb2312().get(c) },
  // ISO 8859-1 upper half in G1: ESC - A.
  'ISO 2022 IR 100': {
    term: 'ISO 2022 IR 100',
    escape: [0x2d, 0x41],
    g: 1,
    bytes: (c) => (c.charCodeAt(0) >= 0xa0 && c.charCodeAt(0) <= 0xff ? [c.charCodeAt(0)] : undefined),
  },
};

const ascii = (c: string): number[] | undefined => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : undefined);

/**
 * Characters before which the value-1 character set must be active again (PS3.5 §6.1.2.5.3):
 * line ends, TAB, FF, the value delimiter, and in PN the component and group delimiters.
 */
const resetsAt = (vr: VR): Set<string> =>
  new Set(vr === 'PN' ? ['^', '=', '\\', '\r', '\n', '\t', '\f'] : ['\\', '\r', '\n', '\t', '\f']);

/** Encodes with ISO 2022 code extensions: escape sequences only where the designation changes. */
const encodeIso2022 = (text: string, terms: string[], vr: VR): Uint8Array => {
  const elements = terms.slice(1).map((t) => CODE_ELEMENTS[t]);
  if (elements.some((e) => !e)) throw new Error(`no encoder for ${terms.join('\\')}`);
  if (terms[0] && terms[0] !== 'ISO 2022 IR 6') throw new Error(`value 1 ${terms[0]} not supported by the encoder`);
  const resets = resetsAt(vr);
  const out: number[] = [];
  let g0 = 'ISO 2022 IR 6';
  let g1 = '';
  const designate = (e: CodeElement) => {
    if (e.g === 0 && g0 !== e.term) {
      out.push(ESC, ...e.escape);
      g0 = e.term;
    } else if (e.g === 1 && g1 !== e.term) {
      out.push(ESC, ...e.escape);
      g1 = e.term;
    }
  };
  for (const c of text) {
    if (resets.has(c)) {
      designate(CODE_ELEMENTS['ISO 2022 IR 6']!);
      g1 = '';
      out.push(c.charCodeAt(0));
      continue;
    }
    const a = ascii(c);
    if (a) {
      designate(CODE_ELEMENTS['ISO 2022 IR 6']!);
      out.push(...a);
      continue;
    }
    const e = elements.find((x) => x!.bytes(c));
    if (!e) throw new Error(`"${c}" cannot be encoded in ${terms.join('\\')}`);
    designate(e);
    out.push(...e.bytes(c)!);
  }
  designate(CODE_ELEMENTS['ISO 2022 IR 6']!);
  return Uint8Array.from(out);
};

/** Encodes in GB18030 (PS3.5 Annex J): ASCII single bytes, the two-byte part for Chinese text. */
const encodeGb18030 = (text: string): Uint8Array => {
  const out: number[] = [];
  for (const c of text) {
    const b = ascii(c) ?? gbk().get(c);
    if (!b) throw new Error(`"${c}" is outside the two-byte part of GB18030`);
    out.push(...b);
  }
  return Uint8Array.from(out);
};

/**
 * Encodes a value for an element of the given VR in the given Specific Character Set.
 * Throws when a character can't be represented: corpus text is fixed, so that is a bug.
 */
export const encodeIn = (text: string, specificCharacterSet: string, vr: VR): Uint8Array => {
  const terms = specificCharacterSet.split('\\').map((t) => t.trim());
  if (terms.length > 1 && terms.slice(1).some((t) => t.startsWith('ISO 2022'))) return encodeIso2022(text, terms, vr);
  const cs = terms[0] ?? '';
  if (/^[\x00-\x7f]*$/.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  if (cs === 'ISO_IR 192') return new TextEncoder().encode(text);
  if (cs === 'GB18030') return encodeGb18030(text);
  if (cs === 'ISO_IR 100') {
    if ([...text].some((c) => c.charCodeAt(0) > 0xff)) throw new Error(`"${text}" is not Latin-1`);
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }
  throw new Error(`"${text}" cannot be encoded in "${specificCharacterSet}"`);
};

/**
 * The bytes a text's characters take in a character set with the escape sequences left out: what a
 * leak scan looks for in raw bytes, since a leaked name may sit after a different escape.
 */
export const bareBytes = (text: string, specificCharacterSet: string): Uint8Array => {
  const encoded = encodeIn(text, specificCharacterSet, 'LO');
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === ESC) {
      // ESC then intermediates (0x20-0x2F) then one final byte.
      i++;
      while (i < encoded.length && encoded[i]! >= 0x20 && encoded[i]! <= 0x2f) i++;
      continue;
    }
    out.push(encoded[i]!);
  }
  return Uint8Array.from(out);
};
