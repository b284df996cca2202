import { decodeText, encodeTextOrAscii } from './charset.ts';
import type { Dataset, Element } from './Dataset.ts';
import { vrOf } from './dictionary.ts';
import type { Tag } from './tag.ts';
import { STRING, type VR } from './VR.ts';

/**
 * Reading and writing element values as JS values. Binary VRs honour the data set's byte order;
 * strings are decoded per Specific Character Set. Small helpers only: the de-identifier works on
 * raw bytes wherever it can.
 */

/** The text of a string element, trailing padding removed, decoded per the character set. */
export const stringOf = (e: Element | undefined, specificCharacterSet = ''): string | undefined => {
  if (!e?.value || !STRING.has(e.vr)) return undefined;
  return decodeText(e.value, e.vr, specificCharacterSet).replace(/[\0 ]+$/, '');
};

/** The string value of a tag in a data set (convenience for `stringOf(ds.get(t))`). */
export const getString = (ds: Dataset, t: Tag, specificCharacterSet = ''): string | undefined =>
  stringOf(ds.get(t), specificCharacterSet);

/** The Specific Character Set of a data set, as declared (empty means ISO 646 / ASCII). */
export const charsetOf = (ds: Dataset, inherited = ''): string => {
  const e = ds.get(0x00080005);
  return e?.value
    ? decodeText(e.value, 'CS', '')
        .replace(/[\0 ]+$/, '')
        .trim()
    : inherited;
};

/** A US/UL/SS/SL/FL/FD value (first of multiplicity) in the given byte order. */
export const numberOf = (e: Element | undefined, littleEndian = true): number | undefined => {
  const v = e?.value;
  if (!v) return undefined;
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const need: Partial<Record<VR, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 };
  const n = need[e.vr];
  if (!n || v.length < n) {
    if (e.vr === 'IS' || e.vr === 'DS') {
      const s = stringOf(e);
      const x = s === undefined || s === '' ? Number.NaN : Number(s.split('\\')[0]);
      return Number.isFinite(x) ? x : undefined;
    }
    return undefined;
  }
  switch (e.vr) {
    case 'US':
      return dv.getUint16(0, littleEndian);
    case 'SS':
      return dv.getInt16(0, littleEndian);
    case 'UL':
      return dv.getUint32(0, littleEndian);
    case 'SL':
      return dv.getInt32(0, littleEndian);
    case 'FL':
      return dv.getFloat32(0, littleEndian);
    default:
      return dv.getFloat64(0, littleEndian);
  }
};

/**
 * Makes a string element. Text the character set can't hold falls back to ASCII with '?' so a
 * value is never written in the wrong encoding.
 */
export const stringElement = (t: Tag, value: string, vr: VR = vrOf(t), specificCharacterSet = ''): Element => {
  return { tag: t, vr, value: encodeTextOrAscii(value, specificCharacterSet) };
};

/** Sets a string value (creating or replacing the element). */
export const setString = (ds: Dataset, t: Tag, value: string, vr: VR = vrOf(t), specificCharacterSet = ''): void => {
  ds.set(stringElement(t, value, vr, specificCharacterSet));
};

/** Makes a US element (one value) in the given byte order. */
export const usElement = (t: Tag, n: number, littleEndian = true): Element => {
  const v = new Uint8Array(2);
  new DataView(v.buffer).setUint16(0, n, littleEndian);
  return { tag: t, vr: 'US', value: v };
};

/** Makes a UL element (one value) in the given byte order. */
export const ulElement = (t: Tag, n: number, littleEndian = true): Element => {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, n >>> 0, littleEndian);
  return { tag: t, vr: 'UL', value: v };
};

/** Makes a sequence element. */
export const sequence = (t: Tag, items: Dataset[]): Element => ({ tag: t, vr: 'SQ', items });
