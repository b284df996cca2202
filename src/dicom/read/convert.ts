/**
 * Turns dicom-parser's offsets into Veil's Element tree, checking every length. Every data set
 * must be tiled exactly by its elements (each starts where the previous ended and the last ends
 * at the data set's end), so a duplicate tag, an overrun or a gap is a reason and never silently
 * dropped data.
 */
import type dicomParser from 'dicom-parser';
import { Dataset, type Element } from '../Dataset.ts';
import { vrOf } from '../dictionary.ts';
import { fail, ok, type ReadError, type Result } from '../ReadError.ts';
import type { TransferSyntax } from '../TransferSyntax.ts';
import { formatTag, groupOf, ITEM_DELIMITATION, parseTag, SEQUENCE_DELIMITATION, type Tag } from '../tag.ts';
import { isVR, LONG_LENGTH, type VR } from '../VR.ts';
import { PIXEL_DATA, tagAt, UNDEFINED_LENGTH, u32 } from './bytes.ts';
import { findDefect, type Scope } from './diagnose.ts';
import { DP_LONG, type Located, VR64 } from './dicomParser.ts';
import { encapsulatedPixelData } from './encapsulated.ts';
import { ImplicitItems } from './implicitItems.ts';
import {
  hex2,
  hex4,
  label,
  noDelimiter,
  noItemDelimiter,
  nonZeroDelimiter,
  notAnElement,
  runsPast,
  tooDeep,
  tsName,
  unsupported64,
  where,
} from './messages.ts';
import type { Warnings } from './warnings.ts';

/** Where the conversion is (as for a diagnosis, which may be asked from here), and whether it is in the File Meta. */
interface Ctx extends Scope {
  /** Converting the File Meta, where only group 0002 belongs. */
  meta?: boolean;
}

/** Converts the data sets of one buffer; `dataset` is the entry point. */
export class Converter {
  private readonly le: boolean;
  private readonly implicit: ImplicitItems;

  constructor(
    private readonly buf: Uint8Array,
    private readonly ts: TransferSyntax,
    private readonly maxDepth: number,
    private readonly warnings: Warnings,
  ) {
    this.le = ts.littleEndian;
    this.implicit = new ImplicitItems(buf, this.le);
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
    // dicom-parser lists elements in the order it met them, which is byte order: copy and sort
    // only if that ever fails to hold.
    const sorted = inByteOrder(entries) ? entries : [...entries].sort((a, b) => a.at - b.at);
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
      if (out.has(element.tag)) return fail('malformed', duplicate(ctx.path, element.tag));
      if (element.tag < prevTag)
        this.warnings.add('elements are not in ascending tag order (PS3.5 §7.1); they are written in order', 'order');
      prevTag = element.tag;
      out.set(element);
    }
    if (kind === 'undefined' && !terminated) return fail('truncated', noItemDelimiter(where(ctx.path)));
    if (p !== end) {
      if (p > end) return fail('malformed', `${where(ctx.path)}the elements run past the end of the item`);
      return fail('malformed', notAnyElement(ctx.path, end - p, p));
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
    if (dup) return fail('malformed', duplicate(ctx.path, t));
    return fail('malformed', notAnyElement(ctx.path, at - p, p));
  }

  /** One element at `at` that must end by `limit`; a delimiter comes back as `delimiter`, not as an element. */
  private element(
    el: dicomParser.Element,
    at: number,
    limit: number,
    ctx: Ctx,
  ): Result<{ element?: Element; next: number; delimiter?: Tag }> {
    const t = parseTag(el.tag);
    const g = groupOf(t);
    if (g === 0xfffe) return this.delimiter(t, at, ctx);
    if (g === 0xffff || (g <= 7 && g & 1)) {
      return fail(
        'malformed',
        `${nameOf(ctx, t)}: group ${hex4(g)} is neither a standard nor a private group (PS3.5 §7.8.1)`,
      );
    }
    if (ctx.meta && g !== 2) return fail('malformed', `${nameOf(ctx, t)}: not a File Meta element`);
    const raw = el.vr ?? '';
    if (ctx.explicit && VR64.has(raw)) return fail('unsupported', unsupported64(nameOf(ctx, t), raw));
    const undef = el.hadUndefinedLength === true;
    if (!undef && el.dataOffset + el.length > limit) {
      const atEnd = limit === this.buf.length;
      return fail(
        atEnd ? 'truncated' : 'malformed',
        runsPast(nameOf(ctx, t), el.length, limit - el.dataOffset, atEnd ? 'file' : 'item'),
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
      this.warnings.add(`${nameOf(ctx, t)}: invalid VR (bytes ${b4} ${b5}), read as ${vr}`);
    }
    if (g === 2 && !ctx.meta) {
      // Group 0002 belongs in the File Meta only (PS3.10 §7.1); Veil writes its own File Meta.
      if (undef)
        return fail('malformed', `${nameOf(ctx, t)}: a File Meta element of undefined length inside the data set`);
      this.warnings.add(`${nameOf(ctx, t)}: a File Meta element inside the data set was ignored`);
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
      if (known === 'SQ' && (el.length === 0 || this.implicit.startsWithItem(el, false))) {
        const again = this.implicit.parse(el, false);
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
    if (privateImplicit && this.implicit.startsWithItem(el, undef)) {
      // dicom-parser parses private Implicit VR sequences but then drops their items (or skips a
      // defined-length one): parse them again so the de-identifier can see inside. Each nested
      // level is parsed again, so the work is bounded: nesting past the limit fails before it.
      if (ctx.depth + 1 > this.maxDepth) return fail('too-deep', tooDeep(pathOf(ctx, t), this.maxDepth));
      const again = this.implicit.parse(el, undef);
      if (again === 'exhausted') {
        const d = this.diagnoseAt(at, limit, ctx, pathOf(ctx, t));
        if (d.error.kind === 'too-deep') return d;
        return fail('unsupported', `${nameOf(ctx, t)}: private sequences are nested too deeply to read`);
      }
      if (again) {
        seq = again;
        items = again.items;
      } else if (undef) {
        return this.diagnoseAt(at, limit, ctx, pathOf(ctx, t));
      }
    }
    // An unknown Implicit VR element of length 0 "is a sequence" only because dicom-parser peeked at
    // the next element's tag: it is an empty value, and reads back as one.
    if (items && !ctx.explicit && !raw && !undef && el.length === 0) items = undefined;
    if (items) {
      const unSequence = ctx.explicit && (raw === 'UN' || implicitItems);
      if (unSequence && !this.le)
        return fail('unsupported', `${nameOf(ctx, t)}: a UN sequence in Big Endian cannot be read`);
      const r = this.sequence(seq, items, {
        explicit: ctx.explicit && !unSequence,
        path: pathOf(ctx, t),
        depth: ctx.depth + 1,
      });
      if (!r.ok) return r;
      return ok({
        element: { tag: t, vr: 'SQ', items: r.value.items, ...(undef ? { undefinedLength: true } : {}) },
        next: r.value.end,
      });
    }

    if (undef) {
      if (el.encapsulatedPixelData) return encapsulatedPixelData(this.buf, this.ts, el, t, nameOf(ctx, t));
      if (!ctx.explicit && t === PIXEL_DATA) {
        return fail(
          'malformed',
          `${nameOf(ctx, t)}: undefined length in Implicit VR: encapsulated Pixel Data needs an Explicit VR transfer syntax (PS3.5 §A.4)`,
        );
      }
      if (vr === 'SQ') {
        const found =
          el.dataOffset + 4 <= this.buf.length
            ? formatTag(tagAt(this.buf, el.dataOffset, this.le))
            : 'the end of the file';
        return fail(
          'malformed',
          `${nameOf(ctx, t)}: expected item 1 (FFFE,E000) at byte ${el.dataOffset} but found ${found}`,
        );
      }
      return fail(
        'malformed',
        `${nameOf(ctx, t)}: VR ${vr} cannot have undefined length (only sequences and encapsulated Pixel Data can, PS3.5 §7.1.2)`,
      );
    }
    const value = this.buf.subarray(el.dataOffset, el.dataOffset + el.length);
    if (vr === 'SQ') vr = 'UN'; // a sequence dicom-parser left unparsed: kept as bytes
    // A short-length VR holding more than 64 KB (possible only in Implicit VR) could not be written
    // in Explicit VR: keep it as UN so every result can be written in any transfer syntax.
    if (value.length > 0xffff && !LONG_LENGTH.has(vr)) vr = 'UN';
    if (t === PIXEL_DATA && this.ts.encapsulated && !ctx.meta && ctx.depth === 0) {
      this.warnings.add(
        `${nameOf(ctx, t)}: native Pixel Data although ${tsName(this.ts.uid)} is an encapsulated transfer syntax`,
      );
    }
    if (value.length & 1)
      this.warnings.add(
        `${nameOf(ctx, t)}: odd value length ${value.length} (PS3.5 §7.1.1 requires even); padded on writing`,
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
      const itemUndef = item.hadUndefinedLength === true || item.length === UNDEFINED_LENGTH;
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
        ? Object.values(ds.elements).map((e) => ({ el: e, at: e.dataOffset - headerSize(e, ctx.explicit) }))
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
      if (!closed) return fail('truncated', noDelimiter(name, 'sequence'));
      return ok({ items: out, end: valueEnd + 8 });
    }
    if (p > valueEnd) return fail('malformed', `${name}: the last item runs past the sequence's declared length`);
    if (p < valueEnd)
      return fail('malformed', `${name}: ${valueEnd - p} bytes at the end of the sequence are not an item`);
    return ok({ items: out, end: valueEnd });
  }

  /** The walk's account of what is wrong inside the element at `at`, or a generic reason if it finds nothing. */
  private diagnoseAt(at: number, limit: number, ctx: Ctx, path: string[]): { ok: false; error: ReadError } {
    const defect = findDefect(this.buf, this.le, this.maxDepth, at, limit, ctx);
    if (defect) return { ok: false, error: defect };
    return {
      ok: false,
      error: { kind: 'malformed', message: `${label(path)}: the private sequence cannot be parsed` },
    };
  }
}

/** Header size dicom-parser used: it reads a 4-byte length only for the VRs it knows as long. */
const headerSize = (el: dicomParser.Element, explicit: boolean): number =>
  explicit && DP_LONG.has(el.vr ?? '') ? 12 : 8;

/** Two elements with one tag in one data set. */
const inByteOrder = (entries: readonly Located[]): boolean => {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.at > entries[i]!.at) return false;
  return true;
};

/**
 * An element's place in words, for messages only: made when one is needed, not for each of the
 * thousands of elements that read cleanly (making it eagerly was a sixth of the engine's allocations).
 */
const pathOf = (ctx: Ctx, t: Tag): string[] => [...ctx.path, formatTag(t)];
const nameOf = (ctx: Ctx, t: Tag): string => label(pathOf(ctx, t));

const duplicate = (path: string[], t: Tag): string =>
  `${where(path)}${formatTag(t)} appears more than once in the same data set`;

/** `n` bytes at `p` that no element covers. */
const notAnyElement = (path: string[], n: number, p: number): string =>
  `${where(path)}${n} bytes at byte ${p} are not part of any element`;
