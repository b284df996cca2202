import { deflateSync } from 'fflate';
import { asciiBytes } from './charset.ts';
import type { Dataset, Element } from './Dataset.ts';
import { ExplicitVRLittleEndian, type TransferSyntax, transferSyntax } from './TransferSyntax.ts';
import { ITEM, ITEM_DELIMITATION, isGroupLength, SEQUENCE_DELIMITATION, UNDEFINED_LENGTH } from './tag.ts';
import { LONG_LENGTH, padByte } from './VR.ts';

/**
 * Writes data sets back to bytes. Values are copied as they are (byte for byte, in the
 * transfer syntax they were read in); only headers, lengths and padding are produced here.
 * Why our own writer: dicom-parser only reads, and dcmjs's writer re-encodes every value
 * from JS types, which loses bytes it doesn't understand.
 */

/** Everything a Part 10 file needs beyond the data set. */
export interface Part10 {
  meta: Dataset;
  dataset: Dataset;
  transferSyntax: TransferSyntax;
}

/**
 * Writes a Part 10 file: zero preamble, "DICM", File Meta (Explicit VR LE), then the data set.
 * Sizes are computed first so the whole file is written into one allocation: a CD's worth of
 * pixel data is copied once, not twice.
 */
export const writePart10 = ({ meta, dataset, transferSyntax: ts }: Part10): Uint8Array => {
  const explicitLE = transferSyntax(ExplicitVRLittleEndian);
  const metaWriter = new Writer(explicitLE);
  const metaSize = metaWriter.sizeOfDataset(meta, true);
  if (ts.deflated) {
    const body = deflateSync(writeDataset(dataset, explicitLE), { level: 6 });
    const out = new Uint8Array(132 + metaSize + body.length);
    out.set(DICM, 128);
    metaWriter.writeInto(out.subarray(132, 132 + metaSize), meta, true);
    out.set(body, 132 + metaSize);
    return out;
  }
  const bodyWriter = new Writer(ts);
  const bodySize = bodyWriter.sizeOfDataset(dataset);
  const out = new Uint8Array(132 + metaSize + bodySize);
  out.set(DICM, 128);
  metaWriter.writeInto(out.subarray(132, 132 + metaSize), meta, true);
  bodyWriter.writeInto(out.subarray(132 + metaSize), dataset);
  return out;
};

const DICM = asciiBytes('DICM');

/**
 * Serialises one data set in the given transfer syntax. Group length elements are dropped,
 * except (0002,0000) which PS3.10 requires and which is recomputed when `metaGroup` is set.
 */
export const writeDataset = (ds: Dataset, ts: TransferSyntax, metaGroup = false): Uint8Array => {
  const w = new Writer(ts);
  const out = new Uint8Array(w.sizeOfDataset(ds, metaGroup));
  w.writeInto(out, ds, metaGroup);
  return out;
};

class Writer {
  private out: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.out.buffer);
  pos = 0;
  private readonly sizes = new Map<Dataset, number>();
  private readonly le: boolean;
  private readonly explicit: boolean;

  constructor(ts: TransferSyntax) {
    this.le = ts.littleEndian;
    this.explicit = ts.explicitVR;
  }

  /** Writes a data set into `target`, which must be exactly its size. */
  writeInto(target: Uint8Array, ds: Dataset, metaGroup = false): void {
    this.out = target;
    this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    this.pos = 0;
    this.dataset(ds, metaGroup);
    if (this.pos !== target.length) throw new Error(`writer size mismatch: ${this.pos} != ${target.length}`);
  }

  // Group lengths are retired and would go stale; item and delimiter tags (group FFFE) that a
  // parser may leave inside an item are structure, which this writer produces itself.
  private kept(ds: Dataset): Element[] {
    return ds.elements().filter((e) => !isGroupLength(e.tag) && e.tag >>> 16 !== 0xfffe);
  }

  sizeOfDataset(ds: Dataset, metaGroup = false): number {
    const cached = this.sizes.get(ds);
    if (cached !== undefined) return cached;
    let n = metaGroup ? 12 : 0; // (0002,0000) UL 4
    for (const e of this.kept(ds)) n += this.sizeOfElement(e);
    this.sizes.set(ds, n);
    return n;
  }

  private headerSize(e: Element): number {
    return this.explicit && longLength(e) ? 12 : 8;
  }

  private sizeOfElement(e: Element): number {
    if (e.items) {
      let n = 0;
      for (const item of e.items) n += 8 + this.sizeOfDataset(item);
      return this.headerSize(e) + n;
    }
    const len = e.value?.length ?? 0;
    if (e.undefinedLength) return this.headerSize(e) + len + (endsWithDelimiter(e) ? 0 : 8);
    return this.headerSize(e) + len + (len & 1);
  }

  dataset(ds: Dataset, metaGroup = false): void {
    if (metaGroup) {
      this.tag(0x00020000);
      this.raw16le(0x4c55); // "UL" little-endian pair
      this.raw16le(4);
      this.view.setUint32(this.pos, this.sizeOfDataset(ds, true) - 12, true);
      this.pos += 4;
    }
    for (const e of this.kept(ds)) this.element(e);
  }

  private element(e: Element): void {
    if (e.items) {
      let n = 0;
      for (const item of e.items) n += 8 + this.sizeOfDataset(item);
      this.header(e, n);
      for (const item of e.items) {
        this.tag(ITEM);
        this.u32(this.sizeOfDataset(item));
        this.dataset(item);
      }
      return;
    }
    const v = e.value ?? new Uint8Array(0);
    if (e.undefinedLength) {
      this.header(e, UNDEFINED_LENGTH);
      this.out.set(v, this.pos);
      this.pos += v.length;
      if (!endsWithDelimiter(e)) {
        // A missing Sequence Delimitation Item, seen in some encapsulated Pixel Data: supply it.
        this.tag(e.tag === 0x7fe00010 ? SEQUENCE_DELIMITATION : ITEM_DELIMITATION);
        this.u32(0);
      }
      return;
    }
    const padded = v.length + (v.length & 1);
    this.header(e, padded);
    this.out.set(v, this.pos);
    this.pos += v.length;
    if (v.length & 1) this.out[this.pos++] = padByte(e.vr);
  }

  private header(e: Element, length: number): void {
    this.tag(e.tag);
    if (!this.explicit) {
      this.u32(length);
      return;
    }
    // A value too long for its VR's 2-byte length can only be written as UN (PS3.5 §6.2.2).
    const vr = longLength(e) && !LONG_LENGTH.has(e.vr) ? 'UN' : e.vr;
    this.out[this.pos++] = vr.charCodeAt(0);
    this.out[this.pos++] = vr.charCodeAt(1);
    if (longLength(e)) {
      this.pos += 2;
      this.u32(length);
    } else {
      this.view.setUint16(this.pos, length, this.le);
      this.pos += 2;
    }
  }

  private tag(t: number): void {
    // Item and delimiter tags follow the data set's byte order too (PS3.5 §7.5).
    this.view.setUint16(this.pos, t >>> 16, this.le);
    this.view.setUint16(this.pos + 2, t & 0xffff, this.le);
    this.pos += 4;
  }

  private u32(n: number): void {
    this.view.setUint32(this.pos, n, this.le);
    this.pos += 4;
  }

  private raw16le(n: number): void {
    this.view.setUint16(this.pos, n, true);
    this.pos += 2;
  }
}

/** Whether the element needs the 4-byte length form: its VR has one, or its value outgrew 64 KB. */
const longLength = (e: Element): boolean => LONG_LENGTH.has(e.vr) || (e.value?.length ?? 0) > 0xfffe;

/** Whether an undefined-length value already carries its closing delimiter (dicom-parser includes it). */
const endsWithDelimiter = (e: Element): boolean => {
  const v = e.value;
  if (!v || v.length < 8) return false;
  const g0 = v[v.length - 8]!;
  const g1 = v[v.length - 7]!;
  const e0 = v[v.length - 6]!;
  const e1 = v[v.length - 5]!;
  // FFFE,E0DD or FFFE,E00D in either byte order.
  const le = g0 === 0xfe && g1 === 0xff && (e0 === 0xdd || e0 === 0x0d) && e1 === 0xe0;
  const be = g0 === 0xff && g1 === 0xfe && e0 === 0xe0 && (e1 === 0xdd || e1 === 0x0d);
  return le || be;
};
