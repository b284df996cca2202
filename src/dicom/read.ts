import dicomParser from 'dicom-parser';
import { inflateSync } from 'fflate';
import { Dataset, type Element } from './Dataset.ts';
import { lookup, vrOf } from './dictionary.ts';
import { fail, formatBytes, ok, type Result } from './ReadError.ts';
import {
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  type TransferSyntax,
  transferSyntax,
} from './TransferSyntax.ts';
import { formatTag, isPrivate, parseTag } from './tag.ts';
import { isVR, type VR } from './VR.ts';

/** A parsed DICOM file or raw data set. Element values are views into `bytes`. */
export interface DicomFile {
  /** File Meta Information (group 0002); empty for a raw data set. */
  meta: Dataset;
  dataset: Dataset;
  transferSyntax: TransferSyntax;
  /** It had the 128-byte preamble and "DICM" (PS3.10 §7.1). */
  part10: boolean;
  /** The buffer the values point into (the inflated copy for Deflated Explicit VR LE). */
  bytes: Uint8Array;
  /** Parsing stopped before Pixel Data (header-only read). */
  headerOnly: boolean;
  /** Oddities that did not stop reading, worded for a report. */
  warnings: string[];
}

export interface ReadOptions {
  /** Stop at Pixel Data: enough for an inventory, and cheap on a partial buffer. */
  headerOnly?: boolean;
  /** Deepest sequence nesting accepted; deeper is treated as malicious or corrupt. */
  maxDepth?: number;
}

const PIXEL_DATA = 'x7fe00010';
const DEFAULT_MAX_DEPTH = 64;

/**
 * Reads a Part 10 file or a raw data set (no preamble/meta: Implicit VR LE, Explicit VR LE or BE,
 * guessed from the first element). Never throws: a reason comes back instead.
 */
export const readDicom = (bytes: Uint8Array, options: ReadOptions = {}): Result<DicomFile> => {
  if (bytes.length === 0) return fail('not-dicom', 'the file is empty (0 bytes)');
  const sniffed = sniff(bytes);
  if (!sniffed) return fail('not-dicom', 'no DICM marker and the start is not a DICOM data element');
  const input = sniffed.part10 ? bytes : sniffed.metaWithoutPreamble ? withPreamble(bytes) : bytes;

  let parsed: dicomParser.DataSet;
  try {
    parsed = dicomParser.parseDicom(input, {
      ...(sniffed.part10 || sniffed.metaWithoutPreamble ? {} : { TransferSyntaxUID: sniffed.rawSyntax }),
      ...(options.headerOnly ? { untilTag: PIXEL_DATA } : {}),
      // Why our own inflater: dicom-parser would otherwise use Node's zlib or a global pako;
      // fflate gives the same behaviour in the browser, the worker and Node.
      inflater: (arr: Uint8Array, position: number) => {
        const inflated = inflateSync(arr.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position));
        full.set(inflated, position);
        return full;
      },
      vrCallback: (t: string) => lookup(parseTag(t))?.vr,
    } as dicomParser.ParseDicomOptions);
  } catch (e) {
    return fail(classify(e, options.headerOnly), describe(e, bytes.length));
  }

  const tsUid =
    sniffed.part10 || sniffed.metaWithoutPreamble
      ? (parsed.string('x00020010') ?? '').replace(/\0/g, '').trim()
      : sniffed.rawSyntax;
  if (!tsUid) return fail('malformed', 'the File Meta has no Transfer Syntax UID (0002,0010)');
  const ts = transferSyntax(tsUid);
  const warnings = [...(parsed.warnings ?? [])];
  const buffer = parsed.byteArray as Uint8Array;
  const conv = new Converter(buffer, ts, options.maxDepth ?? DEFAULT_MAX_DEPTH, warnings);
  const all = conv.dataset(parsed, 0);
  if (!all.ok) return all;

  const meta = new Dataset();
  const dataset = new Dataset();
  for (const e of all.value.elements()) (e.tag >>> 16 === 2 ? meta : dataset).set(e);
  return ok({
    meta,
    dataset,
    transferSyntax: ts,
    part10: sniffed.part10,
    bytes: buffer,
    headerOnly: !!options.headerOnly && !!parsed.elements[PIXEL_DATA],
    warnings,
  });
};

interface Sniffed {
  part10: boolean;
  metaWithoutPreamble: boolean;
  rawSyntax: string;
}

/**
 * Recognises DICOM by content, not by name (CD files have no extension): "DICM" at 128, or a
 * plausible first data element of a raw data set (group 0002/0008 or similar, sane length).
 */
export const sniff = (b: Uint8Array): Sniffed | undefined => {
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) {
    return { part10: true, metaWithoutPreamble: false, rawSyntax: '' };
  }
  if (b.length < 8) return undefined;
  const groupLE = b[0]! | (b[1]! << 8);
  const groupBE = (b[0]! << 8) | b[1]!;
  const vr = String.fromCharCode(b[4]!, b[5]!);
  const explicit = isVR(vr);
  if (groupLE === 0x0002 && explicit) return { part10: false, metaWithoutPreamble: true, rawSyntax: '' };
  // A raw data set starts with a low, even group (0008 is typical; 0000-0028 are all plausible).
  if (groupLE > 0 && groupLE <= 0x0028 && groupLE % 2 === 0) {
    if (explicit) return { part10: false, metaWithoutPreamble: false, rawSyntax: ExplicitVRLittleEndian };
    const len = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! * 0x1000000);
    if (len < b.length || len === 0xffffffff) {
      return { part10: false, metaWithoutPreamble: false, rawSyntax: ImplicitVRLittleEndian };
    }
  }
  if (groupBE > 0 && groupBE <= 0x0028 && groupBE % 2 === 0 && explicit) {
    return { part10: false, metaWithoutPreamble: false, rawSyntax: ExplicitVRBigEndian };
  }
  return undefined;
};

const withPreamble = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(132 + b.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(b, 132);
  return out;
};

const classify = (e: unknown, headerOnly?: boolean): 'truncated' | 'malformed' | 'unsupported' => {
  const m = messageOf(e);
  if (/overrun|eof|beyond|past the end|outside the bounds|offset is out of bounds|RangeError/i.test(m))
    return 'truncated';
  if (/inflat|invalid (block|distance|length)|unexpected EOF/i.test(m)) return 'malformed';
  return headerOnly ? 'truncated' : 'malformed';
};

const messageOf = (e: unknown): string => {
  const inner = (e as { exception?: unknown })?.exception ?? e;
  if (typeof inner === 'string') return inner;
  if (inner instanceof Error) return `${inner.name}: ${inner.message}`;
  return String(inner);
};

const describe = (e: unknown, size: number): string => {
  const m = messageOf(e).replace(/^dicomParser\.?\w*:\s*/, '');
  if (/DICM prefix/.test(m)) return 'no DICM marker at byte 128: not a DICOM Part 10 file';
  if (/overrun|eof|out of bounds|RangeError/i.test(m)) {
    return `the data runs past the end of the file (${formatBytes(size)}): truncated or a wrong length field`;
  }
  if (/missing required meta header attribute 0002,0010/.test(m)) {
    return 'the File Meta has no Transfer Syntax UID (0002,0010)';
  }
  return `cannot be parsed: ${m}`;
};

/** Turns dicom-parser's offsets into Veil's Element tree, checking every length against the buffer. */
class Converter {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly ts: TransferSyntax,
    private readonly maxDepth: number,
    private readonly warnings: string[],
  ) {}

  dataset(ds: dicomParser.DataSet, depth: number): Result<Dataset> {
    if (depth > this.maxDepth) {
      return fail('too-deep', `sequences are nested more than ${this.maxDepth} levels deep`);
    }
    const out = new Dataset();
    for (const key in ds.elements) {
      const el = ds.elements[key]!;
      const r = this.element(el, depth);
      if (!r.ok) return r;
      if (r.value) out.set(r.value);
    }
    return ok(out);
  }

  private element(el: dicomParser.Element, depth: number): Result<Element | undefined> {
    const t = parseTag(el.tag);
    const declared = el.length;
    const undefinedLength = !!el.hadUndefinedLength;
    if (el.dataOffset === undefined) return ok(undefined); // the synthetic TS of a raw data set
    const end = el.dataOffset + (undefinedLength && !el.items ? el.length : undefinedLength ? 0 : declared);
    if (!undefinedLength && el.dataOffset + declared > this.bytes.length) {
      return fail(
        'truncated',
        `${formatTag(t)}: declared length ${formatBytes(declared)} runs past the end of the file`,
      );
    }
    if (end > this.bytes.length) {
      return fail('truncated', `${formatTag(t)}: the value runs past the end of the file`);
    }
    let vr = (el.vr && isVR(el.vr) ? el.vr : this.ts.explicitVR ? 'UN' : vrOf(t)) as VR;
    if (el.items) {
      const items: Dataset[] = [];
      for (const item of el.items) {
        if (!item.dataSet) continue;
        const r = this.dataset(item.dataSet, depth + 1);
        if (!r.ok) return r;
        items.push(r.value);
      }
      // UN of undefined length is a sequence in Implicit VR LE (PS3.5 §6.2.2 note); so is an
      // Implicit VR element the heuristics found to hold items.
      vr = 'SQ';
      return ok({ tag: t, vr, items, undefinedLength });
    }
    if (vr === 'SQ') {
      // A sequence dicom-parser left unparsed (private, defined length, Implicit VR).
      return ok({ tag: t, vr: 'UN', value: this.bytes.subarray(el.dataOffset, el.dataOffset + declared) });
    }
    const value = this.bytes.subarray(el.dataOffset, el.dataOffset + (undefinedLength ? el.length : declared));
    if (isPrivate(t) && undefinedLength && !el.encapsulatedPixelData) {
      this.warnings.push(`${formatTag(t)}: private element of undefined length`);
    }
    return ok({ tag: t, vr, value, ...(undefinedLength ? { undefinedLength } : {}) });
  }
}
