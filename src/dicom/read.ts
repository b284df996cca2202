import dicomParser from 'dicom-parser';
import { Inflate } from 'fflate';
import { Dataset, type Element } from './Dataset.ts';
import { lookup, vrOf } from './dictionary.ts';
import { fail, formatBytes, ok, type ReadError, type Result } from './ReadError.ts';
import {
  DeflatedExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  type TransferSyntax,
  transferSyntax,
} from './TransferSyntax.ts';
import { formatTag, ITEM, ITEM_DELIMITATION, parseTag, SEQUENCE_DELIMITATION, type Tag } from './tag.ts';
import { isVR, LONG_LENGTH, type VR } from './VR.ts';

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
  /** Reading stopped at Pixel Data (header-only read of a file that has pixel data); it is not in `dataset`. */
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

const DEFAULT_MAX_DEPTH = 64;
const UNDEFINED = 0xffffffff;
const PIXEL_DATA = 0x7fe00010;
/** Float, Double Float and plain Pixel Data: where a header-only read stops. */
const PIXEL_TAGS = new Set([0x7fe00008, 0x7fe00009, PIXEL_DATA]);
/** Refuse to inflate a deflated data set beyond this: a few KB of deflate can claim gigabytes. */
const MAX_INFLATED = 1024 ** 3;
/** VRs dicom-parser reads with a 4-byte length in Explicit VR; it does not know OV, SV and UV. */
const DP_LONG = new Set(['OB', 'OD', 'OL', 'OW', 'SQ', 'OF', 'UC', 'UR', 'UT', 'UN']);
/** 64-bit VRs (2019) with a 4-byte length that dicom-parser reads with a 2-byte one. */
const VR64 = new Set(['OV', 'SV', 'UV']);

/**
 * Reads a Part 10 file or a raw data set (no preamble/meta: Implicit VR LE, Explicit VR LE or BE,
 * guessed from the first elements). Never throws: a reason comes back instead, naming the element
 * and what is wrong with it. Every byte of the data set must belong to exactly one element, so
 * nothing can hide from the de-identifier between elements.
 */
export const readDicom = (bytes: Uint8Array, options: ReadOptions = {}): Result<DicomFile> => {
  try {
    return read(bytes, options);
  } catch (e) {
    // Nothing above should throw; if it does, the file still gets a reason rather than a crash.
    return fail('malformed', `internal error while reading: ${messageOf(e)}`);
  }
};

const read = (bytes: Uint8Array, options: ReadOptions): Result<DicomFile> => {
  if (bytes.length === 0) return fail('not-dicom', 'the file is empty (0 bytes)');
  const warnings = new Warnings();
  const layout = findLayout(bytes);
  if (!layout.ok) return layout;
  const { part10, metaStart } = layout.value;
  if (layout.value.note) warnings.add(layout.value.note);

  // File Meta (PS3.10 §7.1): always Explicit VR Little Endian, group 0002 only.
  let metaEls: Located[] = [];
  let bodyStart = 0;
  let declared = '';
  if (metaStart !== undefined) {
    const m = readMeta(bytes, metaStart);
    if (!m.ok) return m;
    metaEls = m.value.elements;
    bodyStart = m.value.end;
    declared = m.value.transferSyntaxUID;
    if (m.value.note) warnings.add(m.value.note);
    if (bodyStart >= bytes.length) {
      if (metaEls.length === 0) return fail('truncated', `the file ends right after "DICM"`);
      return fail('truncated', 'the file ends after the File Meta Information: there is no data set');
    }
  }

  // The transfer syntax: declared, or detected when there is no meta (or it lacks one).
  let uid = declared;
  let fallback = '';
  if (metaStart === undefined) {
    uid = layout.value.rawSyntax;
  } else if (!uid) {
    const detected = detectSyntax(bytes, bodyStart, false);
    const why =
      metaEls.length === 0
        ? 'the file has no File Meta Information'
        : 'the File Meta has no Transfer Syntax UID (0002,0010)';
    if (!detected) return fail('malformed', `${why}, and the data set's encoding cannot be recognised`);
    uid = detected;
    fallback = `${why}; the data set was read as ${tsName(uid)}, detected from its first elements`;
    warnings.add(fallback);
  }
  if (!/^[0-9]+(\.[0-9]+)*$/.test(uid)) {
    return fail(
      'malformed',
      `the File Meta's Transfer Syntax UID (0002,0010) ${JSON.stringify(uid)} is not a valid UID`,
    );
  }
  const ts = transferSyntax(uid);

  let buf = bytes;
  if (ts.deflated) {
    const inflated = inflate(bytes, bodyStart);
    if (!inflated.ok) {
      const plain = scan(bytes, bodyStart, EXPLICIT_LE, false);
      if (plain.n > 1 && plain.clean) {
        return fail('malformed', `the File Meta declares ${tsName(uid)} but the data set is not deflated`);
      }
      return inflated;
    }
    buf = inflated.value;
  }
  if (declared) {
    const mismatch = checkDeclared(buf, bodyStart, ts);
    if (mismatch) return fail('malformed', mismatch);
  }

  const r = readBody(buf, bodyStart, ts, metaEls, metaStart ?? 0, options, warnings);
  if (!r.ok) return fallback ? fail(r.error.kind, `${r.error.message} (${fallback})`) : r;
  return ok({ ...r.value, transferSyntax: ts, part10, bytes: buf, warnings: warnings.list });
};

/** Collects warnings, once each, in the order found. */
class Warnings {
  readonly list: string[] = [];
  private readonly kinds = new Set<string>();
  add(message: string, kind = message): void {
    if (this.kinds.has(kind)) return;
    this.kinds.add(kind);
    this.list.push(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Layout: where the File Meta starts, or which syntax a raw data set uses.

interface Layout {
  part10: boolean;
  /** Where group 0002 starts; undefined for a raw data set. */
  metaStart: number | undefined;
  /** A raw data set's detected transfer syntax. */
  rawSyntax: string;
  note?: string;
}

const isDICM = (b: Uint8Array, p: number): boolean =>
  b[p] === 0x44 && b[p + 1] === 0x49 && b[p + 2] === 0x43 && b[p + 3] === 0x4d;

const findLayout = (b: Uint8Array): Result<Layout> => {
  if (b.length >= 132 && isDICM(b, 128)) return ok({ part10: true, metaStart: 132, rawSyntax: '' });
  const raw = { part10: false, rawSyntax: '' };
  if (b.length >= 4 && isDICM(b, 0) && b.length >= 12 && u16(b, 4, true) === 2) {
    return ok({ ...raw, metaStart: 4, note: 'the file has no 128-byte preamble before "DICM" (PS3.10 §7.1)' });
  }
  if (b.length >= 8 && u16(b, 0, true) === 2 && isVR(chars(b, 4))) {
    return ok({ ...raw, metaStart: 0, note: 'the file has no preamble and no "DICM" marker before its File Meta' });
  }
  const syntax = detectSyntax(b, 0, true);
  if (syntax) return ok({ ...raw, metaStart: undefined, rawSyntax: syntax });
  // Not DICOM as it stands; say what is wrong if it is damaged DICOM rather than something else.
  for (let p = 0; p + 4 <= Math.min(b.length, 1024); p++) {
    if (p !== 128 && isDICM(b, p) && p + 6 <= b.length && u16(b, p + 4, true) === 2) {
      return fail('malformed', `the "DICM" marker is at byte ${p} instead of byte 128: the file's preamble is damaged`);
    }
  }
  for (let k = 1; k <= 16 && k + 8 <= b.length; k++) {
    const s = detectSyntax(b, k, true);
    if (s) {
      const stray = [...b.subarray(0, k)].map((x) => `0x${x.toString(16).padStart(2, '0')}`).join(' ');
      const first = formatTag(tagAt(b, k, s !== ExplicitVRBigEndian));
      return fail(
        'malformed',
        `the file starts with ${k} stray byte${k > 1 ? 's' : ''} (${stray}) before a data set beginning with ${first} at byte ${k}; it has no File Meta, so it cannot be read safely`,
      );
    }
  }
  return fail('not-dicom', 'not a DICOM file: no "DICM" marker at byte 128 and the start is not a DICOM data element');
};

interface Sniffed {
  part10: boolean;
  metaWithoutPreamble: boolean;
  rawSyntax: string;
  /** DICOM damaged at its very start (stray bytes, a misplaced "DICM"): what is wrong with it. */
  damaged?: string;
}

/**
 * Recognises DICOM by content, not by name (CD files have no extension): "DICM" at 128, File
 * Meta without a preamble, or a raw data set whose first elements are plausible (low even group,
 * sane lengths, ascending tags). Works on the first few KB of a file. DICOM damaged at its start
 * is recognised too (with `damaged` saying how), so it is reported as a broken DICOM file rather
 * than passed over as something else.
 */
export const sniff = (b: Uint8Array): Sniffed | undefined => {
  const l = findLayout(b);
  if (!l.ok) {
    if (l.error.kind === 'not-dicom') return undefined;
    return { part10: false, metaWithoutPreamble: false, rawSyntax: '', damaged: l.error.message };
  }
  return {
    part10: l.value.part10,
    metaWithoutPreamble: !l.value.part10 && l.value.metaStart !== undefined,
    rawSyntax: l.value.rawSyntax,
  };
};

type Encoding = { explicit: boolean; le: boolean };
const IMPLICIT: Encoding = { explicit: false, le: true };
const EXPLICIT_LE: Encoding = { explicit: true, le: true };
const EXPLICIT_BE: Encoding = { explicit: true, le: false };

/**
 * How many consecutive data elements (up to 8) the bytes at `pos` read as in this encoding: known
 * VRs (explicit), lengths that fit, ascending tags. `clean` means the scan stopped for a harmless
 * reason (enough elements, the end of the bytes, a value of undefined length it cannot skip)
 * rather than at something impossible. `strict` (a raw file with nothing else to go on) also
 * wants the low even group a data set starts with, so random bytes are not taken for DICOM.
 */
const scan = (b: Uint8Array, pos: number, enc: Encoding, strict: boolean): { n: number; clean: boolean } => {
  let p = pos;
  let prev = -1;
  let n = 0;
  const stop = (clean: boolean) => ({ n, clean });
  for (; n < 8; n++) {
    // A later element may run past a partial read (a header-only prefix); the first may not.
    if (p + 8 > b.length) return stop(n > 0 && (p === b.length || !strict || n > 1));
    const t = tagAt(b, p, enc.le);
    const g = t >>> 16;
    if (t <= prev || g === 0xfffe || g === 0xffff) return stop(false);
    if (strict && n === 0 && (g < 0x0002 || g > 0x0030 || g & 1)) return stop(false);
    let len: number;
    let hdr = 8;
    let vr = '';
    if (enc.explicit) {
      vr = chars(b, p + 4);
      if (!isVR(vr)) return stop(false);
      if (LONG_LENGTH.has(vr) || vr === 'SV') {
        if (p + 12 > b.length) return stop(n > 0);
        len = u32(b, p + 8, enc.le);
        hdr = 12;
      } else len = u16(b, p + 6, enc.le);
    } else len = u32(b, p + 4, enc.le);
    if (len === UNDEFINED) {
      const ok = !enc.explicit || vr === 'SQ' || vr === 'UN' || vr === 'OB' || vr === 'OW';
      return ok ? { n: n + 1, clean: true } : stop(false);
    }
    if (p + hdr + len > b.length) return stop(n > 0);
    prev = t;
    p += hdr + len;
  }
  return stop(true);
};

/**
 * The transfer syntax whose encoding the data set at `pos` is in, if it is recognisable: the
 * encoding that reads the most elements cleanly (ties: Explicit LE, Explicit BE, Implicit LE).
 * Without `strict`, a start that passes the strict test still wins over a lenient match.
 */
const detectSyntax = (b: Uint8Array, pos: number, strict: boolean): string | undefined => {
  if (!strict) {
    const s = detectSyntax(b, pos, true);
    if (s) return s;
  }
  let best: string | undefined;
  let bestN = 0;
  for (const [enc, uid] of [
    [EXPLICIT_LE, ExplicitVRLittleEndian],
    [EXPLICIT_BE, ExplicitVRBigEndian],
    [IMPLICIT, ImplicitVRLittleEndian],
  ] as const) {
    const { n, clean } = scan(b, pos, enc, strict);
    if (n > 0 && clean && n > bestN) {
      best = uid;
      bestN = n;
    }
  }
  return best;
};

/** A declared transfer syntax the data set plainly is not encoded in (PS3.10 §7.1 requires they agree). */
const checkDeclared = (b: Uint8Array, pos: number, ts: TransferSyntax): string | undefined => {
  const enc: Encoding = { explicit: ts.explicitVR, le: ts.littleEndian };
  // Only when not even the first element reads in the declared encoding, and another reads well.
  if (pos >= b.length || scan(b, pos, enc, false).n > 0) return undefined;
  const actual = [EXPLICIT_LE, EXPLICIT_BE, IMPLICIT].find((e) => {
    if (e.explicit === enc.explicit && e.le === enc.le) return false;
    const r = scan(b, pos, e, false);
    return r.n > 0 && r.clean;
  });
  if (!actual) return undefined; // neither: let the parse say what is wrong
  const encName = (e: Encoding) =>
    e.explicit ? `Explicit VR ${e.le ? 'Little' : 'Big'} Endian` : 'Implicit VR Little Endian';
  const what = !TS_NAMES[ts.uid]
    ? ', which Veil does not know (read as Explicit VR Little Endian),'
    : ts.encapsulated || ts.deflated
      ? `, which uses ${encName(enc)},`
      : '';
  return `the File Meta declares ${tsName(ts.uid)}${what} but the data set is encoded in ${encName(actual)}`;
};

// ---------------------------------------------------------------------------------------------
// File Meta Information.

interface Located {
  el: dicomParser.Element;
  /** Offset of the element's tag. */
  at: number;
}

interface Meta {
  elements: Located[];
  end: number;
  transferSyntaxUID: string;
  note?: string;
}

/** Reads group 0002 from `start` with dicom-parser, one element at a time, checking each. */
const readMeta = (b: Uint8Array, start: number): Result<Meta> => {
  const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, b, 0);
  const elements: Located[] = [];
  const scratch: string[] = [];
  let p = start;
  while (p + 4 <= b.length && u16(b, p, true) === 0x0002) {
    const t = tagAt(b, p, true);
    const where = `File Meta ${formatTag(t)}`;
    if (p + 8 > b.length) return fail('truncated', `${where}: the file ends inside the element's header`);
    const vr = chars(b, p + 4);
    if (!isVR(vr)) {
      return fail('malformed', `${where}: no valid VR (the File Meta must be Explicit VR Little Endian, PS3.10 §7.1)`);
    }
    if (vr === 'SQ' || VR64.has(vr)) return fail('malformed', `${where}: VR ${vr} is not allowed in the File Meta`);
    if (DP_LONG.has(vr) && p + 12 > b.length)
      return fail('truncated', `${where}: the file ends inside the element's header`);
    stream.position = p;
    const el = dicomParser.readDicomElementExplicit(stream, scratch);
    if (el.hadUndefinedLength) return fail('malformed', `${where}: undefined length is not allowed in the File Meta`);
    if (el.dataOffset + el.length > b.length)
      return fail('truncated', runsPast(where, el.length, b.length - el.dataOffset, 'file'));
    elements.push({ el, at: p });
    p = el.dataOffset + el.length;
  }
  const ts = elements.find((e) => e.el.tag === 'x00020010');
  const uid = ts
    ? ascii(b.subarray(ts.el.dataOffset, ts.el.dataOffset + ts.el.length))
        .replace(/[\0 ]+$/, '')
        .trim()
    : '';
  // The group length is informative only: the group ends where group 0002 does (as dcmtk and pydicom read it).
  const gl = elements.find((e) => e.el.tag === 'x00020000');
  let note: string | undefined;
  if (gl && gl.el.length === 4) {
    const claimed = u32(b, gl.el.dataOffset, true);
    const actual = p - (gl.el.dataOffset + 4);
    if (claimed !== actual) {
      note = `the File Meta group length (0002,0000) says ${claimed} bytes but the File Meta is ${actual} bytes`;
    }
  }
  return ok({ elements, end: p, transferSyntaxUID: uid, ...(note ? { note } : {}) });
};

/** The Transfer Syntax UID the File Meta declares, from the start of a file; undefined if there is none. */
export const peekTransferSyntax = (b: Uint8Array): string | undefined => {
  const l = findLayout(b);
  if (!l.ok) return undefined;
  if (l.value.metaStart === undefined) return l.value.rawSyntax;
  const m = readMeta(b, l.value.metaStart);
  return m.ok && m.value.transferSyntaxUID ? m.value.transferSyntaxUID : undefined;
};

// ---------------------------------------------------------------------------------------------
// Deflate (PS3.5 §A.5): the data set after the File Meta is raw deflate.

const inflate = (b: Uint8Array, start: number): Result<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= MAX_INFLATED) chunks.push(chunk);
  });
  const step = 1 << 16;
  try {
    for (let p = start; p < b.length && total <= MAX_INFLATED; p += step) {
      inf.push(b.subarray(p, Math.min(b.length, p + step)), p + step >= b.length);
    }
  } catch (e) {
    const m = messageOf(e);
    if (/unexpected EOF/i.test(m)) return fail('truncated', 'the deflated data set ends early: the file is truncated');
    return fail('malformed', `the deflated data set is corrupt (${m.replace(/^Error: /, '')})`);
  }
  if (total > MAX_INFLATED) {
    return fail('unsupported', `the deflated data set inflates to more than ${formatBytes(MAX_INFLATED)}: refused`);
  }
  // One copy is unavoidable here: the File Meta and the inflated data set share one buffer so
  // every value is a view of `DicomFile.bytes`.
  const out = new Uint8Array(start + total);
  out.set(b.subarray(0, start));
  let o = start;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return ok(out);
};

// ---------------------------------------------------------------------------------------------
// The data set, parsed by dicom-parser and converted with every length checked.

interface Body {
  meta: Dataset;
  dataset: Dataset;
  headerOnly: boolean;
}

const readBody = (
  buf: Uint8Array,
  start: number,
  ts: TransferSyntax,
  metaEls: Located[],
  metaStart: number,
  options: ReadOptions,
  warnings: Warnings,
): Result<Body> => {
  const le = ts.littleEndian;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!le && !ts.explicitVR) return fail('unsupported', 'Implicit VR Big Endian is not a DICOM transfer syntax');
  const parser = le ? dicomParser.littleEndianByteArrayParser : dicomParser.bigEndianByteArrayParser;
  const stream = new dicomParser.ByteStream(parser, buf, 0);
  const scratch: string[] = [];
  const top: Located[] = [];
  let p = start;
  let stopped = false;
  // Our own loop over the top-level elements (dicom-parser reads each, sequences included), so a
  // failure is pinned to the element it happened in and a header-only read stops before Pixel Data.
  while (p < buf.length) {
    if (options.headerOnly && p + 4 <= buf.length && PIXEL_TAGS.has(tagAt(buf, p, le))) {
      stopped = true;
      break;
    }
    stream.position = p;
    let el: dicomParser.Element;
    try {
      el = ts.explicitVR
        ? dicomParser.readDicomElementExplicit(stream, scratch)
        : dicomParser.readDicomElementImplicit(stream, undefined, vrCallback);
    } catch (e) {
      return diagnose(buf, p, ts, maxDepth, e);
    }
    top.push({ el, at: p });
    if (stream.position <= p) return fail('malformed', `${formatTag(tagAt(buf, p, le))}: cannot be parsed`);
    p = stream.position;
  }
  const conv = new Converter(buf, le, ts, maxDepth, warnings);
  const meta = conv.dataset(metaEls, metaStart, start, { explicit: true, path: [], depth: 0, meta: true }, 'defined');
  if (!meta.ok) return meta;
  const dataset = conv.dataset(
    top,
    start,
    stopped ? p : buf.length,
    { explicit: ts.explicitVR, path: [], depth: 0 },
    'top',
  );
  if (!dataset.ok) return dataset;
  if (!stopped && !dataset.value.elements().some((e) => e.tag & 0xffff)) {
    return fail('malformed', 'the data set has no data elements');
  }
  return ok({ meta: meta.value, dataset: dataset.value, headerOnly: stopped });
};

/**
 * dicom-parser's Implicit VR hook: the dictionary VR, or undefined so it sniffs for sequence items
 * (its typings say string, but undefined is what it checks for).
 */
const vrCallback = ((t: string) => lookup(parseTag(t))?.vr) as (tag: string) => string;

interface Ctx {
  /** Explicit VR here (false inside an Implicit VR file and inside a UN sequence, PS3.5 §6.2.2). */
  explicit: boolean;
  path: string[];
  depth: number;
  meta?: boolean;
}

/**
 * Turns dicom-parser's offsets into Veil's Element tree. Every data set must be tiled exactly by
 * its elements (each starts where the previous ended and the last ends at the data set's end), so
 * a duplicate tag, an overrun or a gap is a reason and never silently dropped data.
 */
class Converter {
  private readonly parser: dicomParser.ByteArrayParser;
  /**
   * How many more elements dicom-parser may read while parsing private sequences again (see
   * `element`): each nested level parses everything below it again, so without a bound a file of
   * many elements in deeply nested private sequences would take minutes. Generous for real files.
   */
  private reparseBudget: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly le: boolean,
    private readonly ts: TransferSyntax,
    private readonly maxDepth: number,
    private readonly warnings: Warnings,
  ) {
    this.parser = le ? dicomParser.littleEndianByteArrayParser : dicomParser.bigEndianByteArrayParser;
    this.reparseBudget = 2_000_000 + buf.length / 2;
  }

  /**
   * One data set occupying [start, end). `kind` says how it ends: 'undefined' items end with an
   * Item Delimitation Item (PS3.5 §7.5.2), which must be their last element.
   */
  dataset(
    entries: Located[],
    start: number,
    end: number,
    ctx: Ctx,
    kind: 'top' | 'defined' | 'undefined',
  ): Result<Dataset> {
    if (ctx.depth > this.maxDepth) {
      return fail('too-deep', tooDeep(ctx.path, this.maxDepth));
    }
    const sorted = [...entries].sort((a, b) => a.at - b.at);
    const out = new Dataset();
    let p = start;
    let terminated = false;
    let prevTag = -1;
    for (const { el, at } of sorted) {
      if (terminated)
        return fail('malformed', `${where(ctx.path)}data follows the Item Delimitation Item at byte ${p - 8}`);
      if (at !== p) return this.gap(p, at, sorted, ctx, end);
      const r = this.element(el, at, end, ctx);
      if (!r.ok) return r;
      const { element, next, delimiter } = r.value;
      p = next;
      if (delimiter === ITEM_DELIMITATION && kind === 'undefined') terminated = true;
      else if (delimiter !== undefined)
        this.warnings.add(`a stray ${formatTag(delimiter)} delimiter at byte ${at} was ignored`, 'stray');
      if (!element) continue;
      if (out.has(element.tag)) {
        return fail(
          'malformed',
          `${where(ctx.path)}${formatTag(element.tag)} appears more than once in the same data set`,
        );
      }
      if (element.tag < prevTag)
        this.warnings.add('elements are not in ascending tag order (PS3.5 §7.1); they are written in order', 'order');
      prevTag = element.tag;
      out.set(element);
    }
    if (kind === 'undefined' && !terminated) {
      return fail('truncated', `${where(ctx.path)}the item has no Item Delimitation Item: the file ends first`);
    }
    if (p !== end) {
      if (p > end) return fail('malformed', `${where(ctx.path)}the elements run past the end of the item`);
      return fail('malformed', `${where(ctx.path)}${end - p} bytes at byte ${p} are not part of any element`);
    }
    return ok(out);
  }

  /** Explains why the element at `at` is not where the previous one ended. */
  private gap(p: number, at: number, entries: Located[], ctx: Ctx, end: number): Result<never> {
    if (at < p) {
      // The previous element overran into this one: only an Implicit VR item lets dicom-parser do that.
      return fail('malformed', `${where(ctx.path)}an element runs past the end of the item (byte ${end})`);
    }
    const t = p + 4 <= this.buf.length ? tagAt(this.buf, p, this.le) : -1;
    const dup = entries.some((e) => parseTag(e.el.tag) === t);
    if (dup) return fail('malformed', `${where(ctx.path)}${formatTag(t)} appears more than once in the same data set`);
    return fail('malformed', `${where(ctx.path)}${at - p} bytes at byte ${p} are not part of any element`);
  }

  private element(
    el: dicomParser.Element,
    at: number,
    limit: number,
    ctx: Ctx,
  ): Result<{ element?: Element; next: number; delimiter?: Tag }> {
    const t = parseTag(el.tag);
    const g = t >>> 16;
    const path = [...ctx.path, formatTag(t)];
    const name = label(path);
    if (g === 0xfffe) return this.delimiter(t, at, ctx);
    if (g === 0xffff || (g <= 7 && g & 1)) {
      return fail('malformed', `${name}: group ${hex4(g)} is neither a standard nor a private group (PS3.5 §7.8.1)`);
    }
    if (ctx.meta && g !== 2) return fail('malformed', `${name}: not a File Meta element`);
    const raw = el.vr ?? '';
    if (ctx.explicit && VR64.has(raw)) {
      return fail('unsupported', `${name}: VR ${raw} (64-bit values) is not supported by the DICOM parser Veil uses`);
    }
    const undef = el.hadUndefinedLength === true;
    if (!undef && el.dataOffset + el.length > limit) {
      const atEnd = limit === this.buf.length;
      return fail(
        atEnd ? 'truncated' : 'malformed',
        runsPast(name, el.length, limit - el.dataOffset, atEnd ? 'file' : 'item'),
      );
    }
    let vr: VR;
    if (!ctx.explicit) vr = isVR(raw) ? raw : vrOf(t);
    else if (isVR(raw)) vr = raw;
    else {
      // dicom-parser read a 2-byte length, as dcmtk does for an unknown VR.
      const known = vrOf(t);
      vr = known !== 'SQ' && !LONG_LENGTH.has(known) ? known : 'UN';
      const b4 = hex2(this.buf[at + 4] ?? 0);
      const b5 = hex2(this.buf[at + 5] ?? 0);
      this.warnings.add(`${name}: invalid VR (bytes ${b4} ${b5}), read as ${vr}`);
    }
    if (g === 2 && !ctx.meta) {
      // Group 0002 belongs in the File Meta only (PS3.10 §7.1); Veil writes its own File Meta.
      if (undef) return fail('malformed', `${name}: a File Meta element of undefined length inside the data set`);
      this.warnings.add(`${name}: a File Meta element inside the data set was ignored`);
      return ok({ next: el.dataOffset + el.length });
    }

    // Sequences, including a UN of undefined length (an Implicit VR LE sequence, PS3.5 §6.2.2).
    let items = el.items;
    let seq = el;
    let implicitItems = false;
    if (ctx.explicit && vr === 'UN' && !undef && this.le && !ctx.meta) {
      // A standard element sent as UN (a converter that did not know it, PS3.5 §6.2.2) is read
      // with its dictionary VR, as pydicom does: a name in it must reach the de-identifier as text.
      const known = vrOf(t);
      if (known === 'SQ' && (el.length === 0 || this.startsWithItem(el, false))) {
        const again = this.reparse(el, false);
        // Unparseable (or too costly): it stays UN, kept as bytes.
        if (again && again !== 'exhausted' && again.items) {
          seq = again;
          items = again.items;
          implicitItems = true;
        }
      } else if (known !== 'UN' && known !== 'SQ' && (LONG_LENGTH.has(known) || el.length <= 0xffff)) vr = known;
      if (vr !== 'UN' || implicitItems) {
        this.warnings.add('elements sent with VR UN were read with their dictionary VR (PS3.5 §6.2.2)', 'un');
      }
    }
    const privateImplicit = !ctx.explicit && (g & 1) === 1 && !items;
    if (privateImplicit && this.startsWithItem(el, undef)) {
      // dicom-parser parses private Implicit VR sequences but then drops their items (or skips a
      // defined-length one): parse them again so the de-identifier can see inside. Each nested
      // level is parsed again, so the work is bounded: nesting past the limit fails before it.
      if (ctx.depth + 1 > this.maxDepth) return fail('too-deep', tooDeep(path, this.maxDepth));
      const again = this.reparse(el, undef);
      if (again === 'exhausted') {
        const d = this.diagnoseAt(at, limit, ctx, path);
        if (d.error.kind === 'too-deep') return d;
        return fail('unsupported', `${name}: private sequences are nested too deeply to read`);
      }
      if (again) {
        seq = again;
        items = again.items;
      } else if (undef) {
        return this.diagnoseAt(at, limit, ctx, path);
      }
    }
    // An unknown Implicit VR element of length 0 "is a sequence" only because dicom-parser peeked at
    // the next element's tag: it is an empty value, and reads back as one.
    if (items && !ctx.explicit && !raw && !undef && el.length === 0) items = undefined;
    if (items) {
      const unSequence = ctx.explicit && (raw === 'UN' || implicitItems);
      if (unSequence && !this.le) return fail('unsupported', `${name}: a UN sequence in Big Endian cannot be read`);
      const r = this.sequence(seq, items, { explicit: ctx.explicit && !unSequence, path, depth: ctx.depth + 1 });
      if (!r.ok) return r;
      return ok({
        element: { tag: t, vr: 'SQ', items: r.value.items, ...(undef ? { undefinedLength: true } : {}) },
        next: r.value.end,
      });
    }

    if (undef) {
      if (el.encapsulatedPixelData) return this.encapsulated(el, t, name);
      if (!ctx.explicit && t === PIXEL_DATA) {
        return fail(
          'malformed',
          `${name}: undefined length in Implicit VR: encapsulated Pixel Data needs an Explicit VR transfer syntax (PS3.5 §A.4)`,
        );
      }
      if (vr === 'SQ') {
        const found =
          el.dataOffset + 4 <= this.buf.length
            ? formatTag(tagAt(this.buf, el.dataOffset, this.le))
            : 'the end of the file';
        return fail('malformed', `${name}: expected item 1 (FFFE,E000) at byte ${el.dataOffset} but found ${found}`);
      }
      return fail(
        'malformed',
        `${name}: VR ${vr} cannot have undefined length (only sequences and encapsulated Pixel Data can, PS3.5 §7.1.2)`,
      );
    }
    const value = this.buf.subarray(el.dataOffset, el.dataOffset + el.length);
    if (vr === 'SQ') vr = 'UN'; // a sequence dicom-parser left unparsed: kept as bytes
    // A short-length VR holding more than 64 KB (possible only in Implicit VR) could not be written
    // in Explicit VR: keep it as UN so every result can be written in any transfer syntax.
    if (value.length > 0xffff && !LONG_LENGTH.has(vr)) vr = 'UN';
    if (t === PIXEL_DATA && this.ts.encapsulated && !ctx.meta && ctx.depth === 0) {
      this.warnings.add(
        `${name}: native Pixel Data although ${tsName(this.ts.uid)} is an encapsulated transfer syntax`,
      );
    }
    if (value.length & 1)
      this.warnings.add(
        `${name}: odd value length ${value.length} (PS3.5 §7.1.1 requires even); padded on writing`,
        'odd',
      );
    return ok({ element: { tag: t, vr, value }, next: el.dataOffset + el.length });
  }

  /** Item and sequence delimiters met as data elements; only a zero-length one is harmless. */
  private delimiter(t: Tag, at: number, ctx: Ctx): Result<{ next: number; delimiter: Tag }> {
    const name = label([...ctx.path, formatTag(t)]);
    if (t !== ITEM_DELIMITATION && t !== SEQUENCE_DELIMITATION) return fail('malformed', notAnElement(name, t, at));
    if (at + 8 > this.buf.length || u32(this.buf, at + 4, this.le) !== 0)
      return fail('malformed', nonZeroDelimiter(name, at));
    return ok({ next: at + 8, delimiter: t });
  }

  private startsWithItem(el: dicomParser.Element, undef: boolean): boolean {
    const p = el.dataOffset;
    if (p + 8 > this.buf.length || (!undef && el.length < 8)) return false;
    const t = tagAt(this.buf, p, this.le);
    return t === ITEM || (undef && t === SEQUENCE_DELIMITATION);
  }

  private reparse(el: dicomParser.Element, undef: boolean): dicomParser.Element | 'exhausted' | undefined {
    const stream = new dicomParser.ByteStream(this.parser, this.buf, 0);
    const exhausted = new Error('budget');
    // dicom-parser asks for the VR of every Implicit VR element it reads: count them there.
    const counting = ((t: string) => {
      if (--this.reparseBudget < 0) throw exhausted;
      return vrCallback(t);
    }) as typeof vrCallback;
    stream.position = el.dataOffset;
    const copy: dicomParser.Element = {
      tag: el.tag,
      length: undef ? UNDEFINED : el.length,
      dataOffset: el.dataOffset,
      hadUndefinedLength: undef,
    };
    try {
      dicomParser.readSequenceItemsImplicit(stream, copy, counting);
    } catch (e) {
      return e === exhausted ? 'exhausted' : undefined;
    }
    return copy;
  }

  /** The items of a sequence, which must tile its value exactly; returns where the sequence ends. */
  private sequence(
    el: dicomParser.Element,
    items: dicomParser.Element[],
    ctx: Ctx,
  ): Result<{ items: Dataset[]; end: number }> {
    const name = label(ctx.path);
    if (ctx.depth > this.maxDepth) {
      return fail('too-deep', tooDeep(ctx.path, this.maxDepth));
    }
    const undef = el.hadUndefinedLength === true;
    const valueEnd = el.dataOffset + el.length; // for undefined length: where the delimiter is
    let p = el.dataOffset;
    const out: Dataset[] = [];
    for (const [i, item] of items.entries()) {
      const itemPath = [...ctx.path.slice(0, -1), `${ctx.path.at(-1)} item ${i + 1}`];
      if (item.dataOffset - 8 !== p)
        return fail('malformed', `${name}: item ${i + 1} is not where the previous one ended`);
      const itemUndef = item.hadUndefinedLength === true || item.length === UNDEFINED;
      const end = item.dataOffset + item.length;
      if (end > this.buf.length) {
        return fail(
          'truncated',
          runsPast(`${name} item ${i + 1}`, item.length, this.buf.length - item.dataOffset, 'file'),
        );
      }
      if (!undef && end > valueEnd) {
        return fail(
          'malformed',
          runsPast(`${name} item ${i + 1}`, item.length, valueEnd - item.dataOffset, 'sequence'),
        );
      }
      const ds = item.dataSet;
      const entries: Located[] = ds
        ? Object.values(ds.elements).map((e) => ({ el: e, at: e.dataOffset - this.headerSize(e, ctx.explicit) }))
        : [];
      const r = this.dataset(
        entries,
        item.dataOffset,
        end,
        { ...ctx, path: itemPath },
        itemUndef ? 'undefined' : 'defined',
      );
      if (!r.ok) return r;
      out.push(r.value);
      p = end;
    }
    if (undef) {
      if (p !== valueEnd) return fail('malformed', `${name}: the items do not end where the sequence does`);
      const closed =
        valueEnd + 8 <= this.buf.length &&
        tagAt(this.buf, valueEnd, this.le) === SEQUENCE_DELIMITATION &&
        u32(this.buf, valueEnd + 4, this.le) === 0;
      if (!closed)
        return fail('truncated', `${name}: the sequence has no Sequence Delimitation Item: the file ends first`);
      return ok({ items: out, end: valueEnd + 8 });
    }
    if (p > valueEnd) return fail('malformed', `${name}: the last item runs past the sequence's declared length`);
    if (p < valueEnd)
      return fail('malformed', `${name}: ${valueEnd - p} bytes at the end of the sequence are not an item`);
    return ok({ items: out, end: valueEnd });
  }

  /** Header size dicom-parser used: it reads a 4-byte length only for the VRs it knows as long. */
  private headerSize(el: dicomParser.Element, explicit: boolean): number {
    return explicit && DP_LONG.has(el.vr ?? '') ? 12 : 8;
  }

  /** Encapsulated Pixel Data (PS3.5 §A.4): items (offset table, fragments) up to a Sequence Delimitation Item. */
  private encapsulated(el: dicomParser.Element, t: Tag, name: string): Result<{ element: Element; next: number }> {
    if (!this.ts.encapsulated) {
      return fail(
        'malformed',
        `${name}: Pixel Data is encapsulated (undefined length) but ${tsName(this.ts.uid)} is not a compressed transfer syntax`,
      );
    }
    if (el.length === UNDEFINED) {
      return fail(
        'truncated',
        `${name}: the encapsulated Pixel Data has no Sequence Delimitation Item: the file ends first`,
      );
    }
    const end = el.dataOffset + el.length;
    let p = el.dataOffset;
    for (let i = 0; ; i++) {
      if (p + 8 > end)
        return fail(
          'truncated',
          `${name}: the encapsulated Pixel Data has no Sequence Delimitation Item: the file ends first`,
        );
      const tag = tagAt(this.buf, p, this.le);
      const len = u32(this.buf, p + 4, this.le);
      if (tag === SEQUENCE_DELIMITATION && i > 0) {
        if (len !== 0) return fail('malformed', `${name}: the Sequence Delimitation Item has a non-zero length`);
        p += 8;
        break;
      }
      if (tag !== ITEM) {
        const what = i === 0 ? 'the Basic Offset Table item' : `fragment ${i}`;
        return fail('malformed', `${name}: expected ${what} (FFFE,E000) at byte ${p} but found ${formatTag(tag)}`);
      }
      if (len === UNDEFINED || p + 8 + len > end) {
        return fail('truncated', runsPast(`${name} fragment ${i}`, len, end - p - 8, 'file'));
      }
      p += 8 + len;
    }
    if (p !== end) return fail('malformed', `${name}: the encapsulated Pixel Data does not end at its delimiter`);
    return ok({
      element: {
        tag: t,
        vr: (el.vr === 'OW' ? 'OW' : 'OB') as VR,
        value: this.buf.subarray(el.dataOffset, end),
        undefinedLength: true,
      },
      next: end,
    });
  }

  private diagnoseAt(at: number, limit: number, ctx: Ctx, path: string[]): { ok: false; error: ReadError } {
    const w = new Walker(this.buf, this.le, this.maxDepth);
    const d = w.dataset(at, limit, limit, ctx.explicit, ctx.depth, ctx.path);
    if (d.defect) return { ok: false, error: d.defect };
    return {
      ok: false,
      error: { kind: 'malformed', message: `${label(path)}: the private sequence cannot be parsed` },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnosis: when dicom-parser throws, walk the element it failed in and say what is wrong.

/** Explains a dicom-parser exception thrown while reading the top-level element at `at`. */
const diagnose = (buf: Uint8Array, at: number, ts: TransferSyntax, maxDepth: number, e: unknown): Result<never> => {
  const w = new Walker(buf, ts.littleEndian, maxDepth);
  const d = w.dataset(at, buf.length, buf.length, ts.explicitVR, 0, []);
  if (d.defect) return { ok: false, error: d.defect };
  const m = messageOf(e);
  if (/call stack/i.test(m)) return fail('too-deep', tooDeep([], maxDepth));
  const name = at + 4 <= buf.length ? formatTag(tagAt(buf, at, ts.littleEndian)) : `byte ${at}`;
  if (/past end|overrun|overread|out of bounds|RangeError/i.test(m)) {
    return fail('truncated', `${name}: the data runs past the end of the file: it is truncated or a length is wrong`);
  }
  return fail('malformed', `${name} at byte ${at} cannot be parsed (${m.replace(/^dicomParser\.?[\w.]*:?\s*/, '')})`);
};

type Step = { defect?: ReadError; end: number };

/**
 * A minimal structural walk over tags and lengths, with every bound checked and nesting limited,
 * used only to explain failures. It decides what is a sequence the way dicom-parser does. A
 * sequence or item whose declared length runs past the file is still walked, so a truncated file
 * names the innermost element that was cut, as dcmdump does.
 */
class Walker {
  constructor(
    private readonly b: Uint8Array,
    private readonly le: boolean,
    private readonly maxDepth: number,
  ) {}

  /**
   * Elements from `pos` to `end` (undefined: up to an Item Delimitation Item), never reading past
   * `limit`. `overrun` is the defect to report if the bytes run out between elements: the
   * enclosing item's or sequence's declared length.
   */
  dataset(
    pos: number,
    end: number | undefined,
    limit: number,
    explicit: boolean,
    depth: number,
    path: string[],
    overrun?: ReadError,
    dictionary = true,
  ): Step {
    const b = this.b;
    while (end === undefined || pos < end) {
      if (pos + 8 > limit) return this.outOfBytes(pos, limit, path, overrun, end === undefined);
      const t = tagAt(b, pos, this.le);
      const name = label([...path, formatTag(t)]);
      if (t === ITEM_DELIMITATION || t === SEQUENCE_DELIMITATION) {
        if (u32(b, pos + 4, this.le) !== 0) return this.defect('malformed', nonZeroDelimiter(name, pos), pos);
        if (t === ITEM_DELIMITATION && end === undefined) return { end: pos + 8 };
        pos += 8;
        continue;
      }
      if (t >>> 16 === 0xfffe) return this.defect('malformed', notAnElement(name, t, pos), pos);
      let vr = '';
      let len: number;
      let hdr = 8;
      if (explicit) {
        vr = chars(b, pos + 4);
        if (DP_LONG.has(vr) || VR64.has(vr)) {
          if (pos + 12 > limit) return this.outOfBytes(pos, limit, path, overrun, end === undefined);
          len = u32(b, pos + 8, this.le);
          hdr = 12;
        } else len = u16(b, pos + 6, this.le);
        if (VR64.has(vr)) {
          return this.defect(
            'unsupported',
            `${name}: VR ${vr} (64-bit values) is not supported by the DICOM parser Veil uses`,
            pos,
          );
        }
      } else {
        // Inside a UN sequence dicom-parser has no dictionary and sniffs for items instead.
        vr = dictionary ? (lookup(t)?.vr ?? '') : '';
        len = u32(b, pos + 4, this.le);
      }
      const v = pos + hdr;
      const peek = v + 4 <= limit ? tagAt(b, v, this.le) : -1;
      const sequence = explicit
        ? vr === 'SQ' || (vr === 'UN' && len === UNDEFINED)
        : vr
          ? vr === 'SQ'
          : (peek === ITEM || peek === SEQUENCE_DELIMITATION) && (!((t >>> 16) & 1) || len === UNDEFINED);
      const unSequence = explicit && vr === 'UN' && len === UNDEFINED;
      const inner = explicit && !unSequence;
      const dict = dictionary && !unSequence;
      const seqPath = [...path, formatTag(t)];
      if (len === UNDEFINED) {
        let r: Step;
        if (sequence) r = this.items(v, undefined, limit, inner, depth + 1, seqPath, undefined, dict);
        else if (explicit && t === PIXEL_DATA) r = this.fragments(v, limit, name);
        else {
          return this.defect(
            'malformed',
            `${name}: undefined length is only allowed for sequences and encapsulated Pixel Data (PS3.5 §7.1.2)`,
            pos,
          );
        }
        if (r.defect) return r;
        pos = r.end;
        continue;
      }
      const over = v + len > limit ? this.runsPast(name, len, limit - v, limit) : undefined;
      if (sequence) {
        const r = this.items(v, v + len, Math.min(v + len, limit), inner, depth + 1, seqPath, over, dict);
        if (r.defect) return r;
      } else if (over) return { defect: over, end: pos };
      pos = v + len;
    }
    return { end: pos };
  }

  private items(
    pos: number,
    end: number | undefined,
    limit: number,
    explicit: boolean,
    depth: number,
    path: string[],
    overrun?: ReadError,
    dictionary = true,
  ): Step {
    const name = label(path);
    if (depth > this.maxDepth) {
      return this.defect('too-deep', tooDeep(path, this.maxDepth), pos);
    }
    for (let i = 1; ; i++) {
      if (end !== undefined && pos === end) return { end: pos };
      if (pos + 8 > limit) {
        if (overrun) return { defect: overrun, end: pos };
        if (end === undefined && limit === this.b.length) {
          return this.defect(
            'truncated',
            `${name}: the sequence has no Sequence Delimitation Item: the file ends first`,
            pos,
          );
        }
        return this.defect(
          'malformed',
          `${name}: item ${i}'s header runs past the end of the ${end === undefined ? 'item' : 'sequence'}`,
          pos,
        );
      }
      const t = tagAt(this.b, pos, this.le);
      const len = u32(this.b, pos + 4, this.le);
      if (t === SEQUENCE_DELIMITATION && end === undefined) {
        if (len !== 0) return this.defect('malformed', nonZeroDelimiter(label([...path, formatTag(t)]), pos), pos);
        return { end: pos + 8 };
      }
      if (t !== ITEM) {
        return this.defect(
          'malformed',
          `${name}: expected item ${i} (FFFE,E000) at byte ${pos} but found ${formatTag(t)}`,
          pos,
        );
      }
      const itemPath = [...path.slice(0, -1), `${path.at(-1)} item ${i}`];
      let r: Step;
      if (len === UNDEFINED)
        r = this.dataset(pos + 8, undefined, limit, explicit, depth, itemPath, undefined, dictionary);
      else {
        const over =
          pos + 8 + len > limit ? this.runsPast(`${name} item ${i}`, len, limit - pos - 8, limit) : undefined;
        r = this.dataset(
          pos + 8,
          pos + 8 + len,
          Math.min(pos + 8 + len, limit),
          explicit,
          depth,
          itemPath,
          over,
          dictionary,
        );
      }
      if (r.defect) return r;
      pos = r.end;
    }
  }

  private fragments(pos: number, limit: number, name: string): Step {
    for (let i = 0; ; i++) {
      if (pos + 8 > limit) {
        return this.defect(
          'truncated',
          `${name}: the encapsulated Pixel Data has no Sequence Delimitation Item: the file ends first`,
          pos,
        );
      }
      const t = tagAt(this.b, pos, this.le);
      const len = u32(this.b, pos + 4, this.le);
      if (t === SEQUENCE_DELIMITATION) return { end: pos + 8 };
      if (t !== ITEM) {
        return this.defect(
          'malformed',
          `${name}: expected fragment ${i} (FFFE,E000) at byte ${pos} but found ${formatTag(t)}`,
          pos,
        );
      }
      if (pos + 8 + len > limit)
        return { defect: this.runsPast(`${name} fragment ${i}`, len, limit - pos - 8, limit), end: pos };
      pos += 8 + len;
    }
  }

  /** The bytes ran out at `pos`, between or inside element headers. */
  private outOfBytes(
    pos: number,
    limit: number,
    path: string[],
    overrun: ReadError | undefined,
    delimited: boolean,
  ): Step {
    if (overrun) return { defect: overrun, end: pos };
    const atEnd = limit === this.b.length;
    if (delimited && atEnd)
      return this.defect('truncated', `${where(path)}the item has no Item Delimitation Item: the file ends first`, pos);
    const what = pos + 4 <= limit ? `the header of ${formatTag(tagAt(this.b, pos, this.le))}` : 'an element header';
    const message = atEnd
      ? `${where(path)}the file ends inside ${what} at byte ${pos}`
      : `${where(path)}${what} at byte ${pos} runs past the end of the item`;
    return this.defect(atEnd ? 'truncated' : 'malformed', message, pos);
  }

  private runsPast(name: string, declared: number, remain: number, limit: number): ReadError {
    const atEnd = limit === this.b.length;
    return {
      kind: atEnd ? 'truncated' : 'malformed',
      message: runsPast(name, declared, remain, atEnd ? 'file' : 'item'),
    };
  }

  private defect(kind: ReadError['kind'], message: string, at: number): Step {
    return { defect: { kind, message }, end: at };
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

/** "(0040,A730) item 2 > (0040,A160)": where an element is; long paths keep their first and last steps. */
const label = (path: string[]): string => (path.length > 4 ? [path[0]!, '…', ...path.slice(-2)] : path).join(' > ');

/** `label(path)` as the start of a message ("…: "), or nothing at the top level. */
const where = (path: string[]): string => (path.length === 0 ? '' : `${label(path)}: `);

/** Nesting beyond the limit, named by the outermost sequence. */
const tooDeep = (path: string[], max: number): string =>
  `${path[0] ? `${path[0].split(' ')[0]}: ` : ''}sequences are nested more than ${max} levels deep`;

/** Delimitation Items have a zero length (PS3.5 §7.5.2). */
const nonZeroDelimiter = (name: string, at: number): string =>
  `${name}: the delimiter at byte ${at} has a non-zero length`;

/** Why a (FFFE,xxxx) tag cannot stand where a data element should. */
const notAnElement = (name: string, t: Tag, at: number): string =>
  t === ITEM ? `${name}: an Item at byte ${at}, outside any sequence` : `${name}: not a data element (byte ${at})`;

/** "(7FE0,0010): declared length 4.0 GB runs past the end of the file (12 KB remain)". */
const runsPast = (name: string, declared: number, remain: number, of: 'file' | 'item' | 'sequence'): string => {
  const left = Math.max(0, remain);
  return `${name}: declared length ${formatBytes(declared)} runs past the end of the ${of} (${formatBytes(left)} remain${left === 1 ? 's' : ''})`;
};

const u16 = (b: Uint8Array, p: number, le: boolean): number =>
  le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;

const u32 = (b: Uint8Array, p: number, le: boolean): number =>
  le
    ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000
    : b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);

const tagAt = (b: Uint8Array, p: number, le: boolean): Tag => (u16(b, p, le) * 0x10000 + u16(b, p + 2, le)) >>> 0;

const chars = (b: Uint8Array, p: number): string => String.fromCharCode(b[p] ?? 0, b[p + 1] ?? 0);

const ascii = (b: Uint8Array): string => String.fromCharCode(...b.subarray(0, 1024));

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

const messageOf = (e: unknown): string => {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
};

/** Names of the transfer syntaxes a user may meet (PS3.6 Annex A), for messages. */
const TS_NAMES: Record<string, string> = {
  [ImplicitVRLittleEndian]: 'Implicit VR Little Endian',
  [ExplicitVRLittleEndian]: 'Explicit VR Little Endian',
  [DeflatedExplicitVRLittleEndian]: 'Deflated Explicit VR Little Endian',
  [ExplicitVRBigEndian]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** "JPEG Baseline (1.2.840.10008.1.2.4.50)", or the bare UID. */
const tsName = (uid: string): string => (TS_NAMES[uid] ? `${TS_NAMES[uid]} (${uid})` : uid);
