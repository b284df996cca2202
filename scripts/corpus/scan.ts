import { decodeText } from '../../src/dicom/charset.ts';
import type { Dataset } from '../../src/dicom/Dataset.ts';
import { readDicom } from '../../src/dicom/read.ts';
import { formatTag } from '../../src/dicom/tag.ts';
import { STRING } from '../../src/dicom/VR.ts';
import { charsetOf } from '../../src/dicom/values.ts';
import type { Identity } from './manifest.ts';

/**
 * Finds identity strings in DICOM files and other bytes: every string value decoded per its
 * character set at every nesting depth, every binary value, and the raw file bytes decoded as
 * Latin-1 and UTF-8 plus the identities' own encoded byte forms (ISO 2022, GB18030, UTF-8).
 * Used by the generator to record places and by the tests to prove outputs clean.
 */

/** A compiled identity: what to look for in text (lower case) and in bytes. */
export interface Needle {
  identity: Identity;
  lower: string;
  bytes: Buffer[];
}

/** One occurrence: which identity and where ("(0010,0010)", "(0040,A730)[1]/(0040,A160)", "raw bytes"). */
export interface Hit {
  value: string;
  kind: Identity['kind'];
  where: string;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/**
 * Identities too short to search without false positives are skipped: under 3 characters, or
 * under 2 for Chinese, Japanese and Korean text where one or two characters are a whole name.
 */
export const scannable = (value: string): boolean => value.length >= (CJK.test(value) ? 2 : 3);

/** Prepares identities for scanning (short ones dropped unless `skipShort` is false, see `scannable`). */
export const needlesFor = (identities: Identity[], skipShort = true): Needle[] =>
  identities
    .filter((i) => !skipShort || scannable(i.value))
    .map((identity) => ({
      identity,
      lower: identity.value.toLowerCase(),
      bytes: identity.encodings.filter((e) => e.hex.length >= 8).map((e) => Buffer.from(e.hex, 'hex')),
    }));

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Identities found in a text (case-insensitive). */
export const scanText = (text: string, needles: Needle[], where: string): Hit[] => {
  const lower = text.toLowerCase();
  return needles.filter((n) => lower.includes(n.lower)).map((n) => hit(n, where));
};

/** Identities found in bytes: as Latin-1 text, as UTF-8 text, and by their encoded forms. */
export const scanBytes = (bytes: Uint8Array, needles: Needle[], where: string): Hit[] => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const a = latin1.decode(bytes).toLowerCase();
  const u = utf8.decode(bytes).toLowerCase();
  return needles
    .filter((n) => a.includes(n.lower) || u.includes(n.lower) || n.bytes.some((b) => buf.includes(b)))
    .map((n) => hit(n, where));
};

/**
 * Every identity in a DICOM file: decoded values element by element (with their paths), then the
 * raw bytes (and the inflated body of a Deflated file). A file that can't be read is scanned as bytes.
 */
export const scanDicom = (bytes: Uint8Array, needles: Needle[]): Hit[] => {
  const hits: Hit[] = [];
  const r = readDicom(bytes);
  if (r.ok) {
    hits.push(...scanDataset(r.value.meta, needles, '', ''));
    hits.push(...scanDataset(r.value.dataset, needles, charsetOf(r.value.dataset), ''));
    if (r.value.bytes !== bytes) hits.push(...scanBytes(r.value.bytes, needles, 'raw bytes (inflated)'));
  }
  hits.push(...scanBytes(bytes, needles, 'raw bytes'));
  return dedupe(hits);
};

/** Walks a data set and its items; items inherit the character set unless they declare one. */
export const scanDataset = (ds: Dataset, needles: Needle[], charset: string, path: string): Hit[] => {
  const hits: Hit[] = [];
  for (const e of ds.elements()) {
    const where = `${path}${formatTag(e.tag)}`;
    if (e.items) {
      e.items.forEach((item, i) => {
        hits.push(...scanDataset(item, needles, charsetOf(item, charset), `${where}[${i}]/`));
      });
    } else if (e.value && STRING.has(e.vr)) {
      hits.push(...scanText(decodeText(e.value, e.vr, charset), needles, where));
      hits.push(...scanBytes(e.value, needles, where));
    } else if (e.value) {
      hits.push(...scanBytes(e.value, needles, `${where} ${e.vr}`));
    }
  }
  return hits;
};

const hit = (n: Needle, where: string): Hit => ({ value: n.identity.value, kind: n.identity.kind, where });

const dedupe = (hits: Hit[]): Hit[] => {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const k = `${h.value}\0${h.where}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};
