import { Dataset, type Element } from '../../src/dicom/Dataset.ts';
import { vrOf } from '../../src/dicom/dictionary.ts';
import {
  DeflatedExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  transferSyntax,
} from '../../src/dicom/TransferSyntax.ts';
import { type Tag, tag } from '../../src/dicom/tag.ts';
import { CHARSET_DEPENDENT, type VR } from '../../src/dicom/VR.ts';
import { writePart10 } from '../../src/dicom/write.ts';
import { encodeIn } from './encode.ts';

/**
 * A thin builder over the repo's Dataset/Element model: typed setters that encode text in the
 * data set's Specific Character Set and binary values in its byte order, so object builders read
 * like the module tables of PS3.3. Writing is always `writePart10`.
 */
export class Builder {
  readonly ds = new Dataset();

  constructor(
    /** Specific Character Set (0008,0005) in effect; sequence items inherit it (PS3.5 §7.5.3). */
    readonly charset: string,
    readonly littleEndian = true,
  ) {}

  /** A new item builder with the same character set and byte order. */
  child(): Builder {
    return new Builder(this.charset, this.littleEndian);
  }

  /** A string element; arrays become backslash-separated values. VR defaults to the dictionary's. */
  str(t: Tag, value: string | readonly string[], vr: VR = vrOf(t)): this {
    const text = typeof value === 'string' ? value : value.join('\\');
    const bytes = CHARSET_DEPENDENT.has(vr)
      ? encodeIn(text, this.charset, vr)
      : Uint8Array.from(text, (c) => {
          if (c.charCodeAt(0) > 0x7e) throw new Error(`non-ASCII in ${vr} ${t.toString(16)}: ${text}`);
          return c.charCodeAt(0);
        });
    this.ds.set({ tag: t, vr, value: bytes });
    return this;
  }

  /** A decimal string (DS) or integer string (IS) from numbers. */
  num(t: Tag, values: number | readonly number[], vr: 'DS' | 'IS' = vrOf(t) as 'DS' | 'IS'): this {
    const list = typeof values === 'number' ? [values] : values;
    return this.str(
      t,
      list.map((v) => (vr === 'IS' ? String(Math.round(v)) : formatDS(v))),
      vr,
    );
  }

  us(t: Tag, ...values: number[]): this {
    return this.binary(t, 'US', 2, values, (dv, o, v) => dv.setUint16(o, v, this.littleEndian));
  }

  ss(t: Tag, ...values: number[]): this {
    return this.binary(t, 'SS', 2, values, (dv, o, v) => dv.setInt16(o, v, this.littleEndian));
  }

  ul(t: Tag, ...values: number[]): this {
    return this.binary(t, 'UL', 4, values, (dv, o, v) => dv.setUint32(o, v >>> 0, this.littleEndian));
  }

  sl(t: Tag, ...values: number[]): this {
    return this.binary(t, 'SL', 4, values, (dv, o, v) => dv.setInt32(o, v, this.littleEndian));
  }

  fl(t: Tag, ...values: number[]): this {
    return this.binary(t, 'FL', 4, values, (dv, o, v) => dv.setFloat32(o, v, this.littleEndian));
  }

  fd(t: Tag, ...values: number[]): this {
    return this.binary(t, 'FD', 8, values, (dv, o, v) => dv.setFloat64(o, v, this.littleEndian));
  }

  /** Attribute Tag values (AT): group then element, each in the data set's byte order. */
  at(t: Tag, ...tags: Tag[]): this {
    return this.binary(t, 'AT', 4, tags, (dv, o, v) => {
      dv.setUint16(o, v >>> 16, this.littleEndian);
      dv.setUint16(o + 2, v & 0xffff, this.littleEndian);
    });
  }

  /** A sequence; each item is filled by a callback on a child builder. An empty list gives an empty SQ. */
  sq(t: Tag, ...items: ((b: Builder) => void)[]): this {
    const built = items.map((fill) => {
      const b = this.child();
      fill(b);
      return b.ds;
    });
    this.ds.set({ tag: t, vr: 'SQ', items: built });
    return this;
  }

  /** A value given as bytes already in the data set's byte order (pixel data, private blobs). */
  bytes(t: Tag, vr: VR, value: Uint8Array): this {
    this.ds.set({ tag: t, vr, value });
    return this;
  }

  /** An element present with an empty value (Type 2). */
  empty(t: Tag, vr: VR = vrOf(t)): this {
    this.ds.set(vr === 'SQ' ? { tag: t, vr, items: [] } : { tag: t, vr, value: new Uint8Array(0) });
    return this;
  }

  /** Removes an element (a builder for a variant drops what its IOD lacks). */
  drop(t: Tag): this {
    this.ds.delete(t);
    return this;
  }

  private binary(
    t: Tag,
    vr: VR,
    size: number,
    values: number[],
    set: (dv: DataView, offset: number, v: number) => void,
  ): this {
    const value = new Uint8Array(size * values.length);
    const dv = new DataView(value.buffer);
    for (const [i, v] of values.entries()) set(dv, i * size, v);
    this.ds.set({ tag: t, vr, value });
    return this;
  }
}

/** DS is at most 16 characters (PS3.5 Table 6.2-1): shortest round-trip form that fits. */
export const formatDS = (v: number): string => {
  for (let p = 10; p >= 1; p--) {
    const s = Number(v.toPrecision(p)).toString();
    if (s.length <= 16) return s;
  }
  return v.toExponential(6);
};

/** A private tag in a block reserved by a Private Creator: (gggg, bb ee) per PS3.5 §7.8.1. */
export const privateTag = (group: number, block: number, element: number): Tag => tag(group, (block << 8) | element);

/** The transfer syntaxes the corpus writes, by short name. */
export const SYNTAX = {
  explicitLE: ExplicitVRLittleEndian,
  implicitLE: ImplicitVRLittleEndian,
  explicitBE: ExplicitVRBigEndian,
  deflated: DeflatedExplicitVRLittleEndian,
} as const;

export type SyntaxName = keyof typeof SYNTAX;

/** Veil's test-data implementation UID and name (the corpus is not written by a real product). */
export const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1434.1.1';
export const IMPLEMENTATION_VERSION = 'VEIL_CORPUS_1';

/** File Meta Information (PS3.10 §7.1) for a data set built here. */
export const fileMeta = (sopClassUID: string, sopInstanceUID: string, tsUID: string): Dataset => {
  const m = new Builder('');
  m.bytes(0x00020001, 'OB', Uint8Array.of(0, 1));
  m.str(0x00020002, sopClassUID, 'UI');
  m.str(0x00020003, sopInstanceUID, 'UI');
  m.str(0x00020010, tsUID, 'UI');
  m.str(0x00020012, IMPLEMENTATION_CLASS_UID, 'UI');
  m.str(0x00020013, IMPLEMENTATION_VERSION, 'SH');
  return m.ds;
};

/** Writes a data set as a Part 10 file in the given transfer syntax, meta taken from its SOP Common. */
export const part10 = (ds: Dataset, syntax: SyntaxName): Uint8Array => {
  const uid = (t: Tag) => {
    const e: Element | undefined = ds.get(t);
    return e?.value ? new TextDecoder('latin1').decode(e.value).replace(/[\0 ]+$/, '') : '';
  };
  const ts = SYNTAX[syntax];
  return writePart10({
    meta: fileMeta(uid(0x00080016), uid(0x00080018), ts),
    dataset: ds,
    transferSyntax: transferSyntax(ts),
  });
};
